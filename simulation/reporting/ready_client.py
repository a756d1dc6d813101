"""A kernel client that finds a running kernel ready in milliseconds, not in a fifth of a second.

Before it executes a notebook, papermill's client waits for the kernel to be ready
(``wait_for_ready``): it asks for ``kernel_info`` until the reply comes on the shell channel *and*
a message comes on IOPub (proof that IOPub is connected, so no cell output can be lost), then
empties IOPub until nothing arrives for 0.2 s. The kernel of a brief is already running and warm,
so that last wait is the whole cost: 0.2 s of every brief, on the way to its PDF.
:class:`ReadyKernelClient` makes the same two checks, waiting :data:`IOPUB_SECONDS` for each IOPub
message; a message of the ``kernel_info`` requests that comes later is one the executor ignores
(it keeps only messages whose parent is the cell it runs).
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.utils import run_sync
from jupyter_core.utils import ensure_async

IOPUB_SECONDS = 0.01
"""Longest wait (s) for one IOPub message while checking that IOPub is connected and emptying it."""


class ReadyKernelClient(BlockingKernelClient):
    """A blocking kernel client whose :meth:`wait_for_ready` waits :data:`IOPUB_SECONDS` on IOPub."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answered ``kernel_info`` and IOPub is connected, IOPub emptied.

        Raises
        ------
        RuntimeError
            If the kernel died, or did not answer within ``timeout`` seconds (None: no limit).
        """
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await ensure_async(self.iopub_channel.get_msg(timeout=IOPUB_SECONDS))
                except Empty:
                    pass  # IOPub not connected yet: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=IOPUB_SECONDS))
            except Empty:
                return

    wait_for_ready = run_sync(_async_wait_for_ready)

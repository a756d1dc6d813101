"""A kernel client that finds a running kernel ready in milliseconds, not in a fifth of a second.

Before it executes a notebook, papermill's client waits for the kernel to be ready
(``wait_for_ready``): it asks for ``kernel_info`` until the reply comes on the shell channel *and*
a message comes on IOPub (proof that IOPub is connected, so no cell output can be lost), then
empties IOPub until nothing arrives for 0.2 s. The kernel of a brief is already running and warm,
so that last wait is the whole cost: 0.2 s of every brief, on the way to its PDF.
:class:`ReadyKernelClient` makes the same two checks, waiting :data:`IOPUB_SECONDS` for each IOPub
message; a message of the ``kernel_info`` requests that comes later is one the executor ignores
(it keeps only messages whose parent is the cell it runs).

Its shell and IOPub channels (:class:`WatchedChannel`) also notice a kernel that died. nbclient waits
for a cell's reply and output with no time limit and relies on a task of its own, every second, to see
the kernel die; a blocking client's wait holds the event loop, so that task never ran and a killed
kernel (out of memory, a report host's SIGTERM) left the run waiting for good.
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.channels import ZMQSocketChannel
from jupyter_client.utils import run_sync
from jupyter_core.utils import ensure_async
from traitlets import Type

IOPUB_SECONDS = 0.01
"""Longest wait (s) for one IOPub message while checking that IOPub is connected and emptying it."""


ALIVE_SECONDS = 1.0
"""How often a wait with no time limit checks that the kernel's process still runs (s), as nbclient's own
check does."""


def dead_kernel(message: str) -> RuntimeError:
    """nbclient's ``DeadKernelError`` (a RuntimeError), the error nbclient itself raises for a kernel that died."""
    # deferred: importing nbclient imports nbformat and its JSON schema checks (about 1 CPU-s before
    # papermill_run._papermill leaves the unused ones out); every process that starts a kernel imports
    # this module, and only one whose kernel died needs the class
    from nbclient.exceptions import DeadKernelError

    return DeadKernelError(message)


class WatchedChannel(ZMQSocketChannel):
    """A blocking channel whose wait with no time limit ends with nbclient's ``DeadKernelError``
    (:func:`dead_kernel`) once the kernel's process is gone (checked every :data:`ALIVE_SECONDS`);
    :meth:`alive` is replaced by the client's check."""

    def alive(self) -> bool:
        return True

    def get_msg(self, timeout: float | None = None) -> dict:
        if timeout is not None:
            return super().get_msg(timeout)
        while True:
            try:
                return super().get_msg(ALIVE_SECONDS)
            except Empty:
                if not self.alive():
                    raise dead_kernel("Kernel died") from None


class ReadyKernelClient(BlockingKernelClient):
    """A blocking kernel client whose :meth:`wait_for_ready` waits :data:`IOPUB_SECONDS` on IOPub, and
    whose shell and IOPub waits end when the kernel dies (:class:`WatchedChannel`)."""

    shell_channel_class = Type(WatchedChannel)
    iopub_channel_class = Type(WatchedChannel)

    @property
    def shell_channel(self):
        return self._watched(super().shell_channel)

    @property
    def iopub_channel(self):
        return self._watched(super().iopub_channel)

    def _watched(self, channel: WatchedChannel) -> WatchedChannel:
        channel.alive = self._process_alive
        return channel

    def _process_alive(self) -> bool:
        """Whether the kernel's process runs (True when this client does not know the process)."""
        process = getattr(getattr(self.parent, "provisioner", None), "process", None)
        return process is None or process.poll() is None

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answered ``kernel_info`` and IOPub is connected, IOPub emptied.

        Raises
        ------
        DeadKernelError
            If the kernel died (a RuntimeError, as nbclient's own check raises; counted as a kernel
            that died by :func:`simulation.reporting.warm_kernel.kernel_died`).
        RuntimeError
            If the kernel did not answer within ``timeout`` seconds (None: no limit).
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
                raise dead_kernel("Kernel died before replying to kernel_info")  # a RuntimeError too
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=IOPUB_SECONDS))
            except Empty:
                return

    wait_for_ready = run_sync(_async_wait_for_ready)

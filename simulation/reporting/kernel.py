"""A kernel client that cannot miss a reply while widgets talk to the kernel.

Executing a notebook whose cells display an ipywidgets ``Output`` (the explore notebook, the
planner app) headless stalled for good now and then: the kernel idle, every message sent, the
executor waiting for the cell's ``execute_reply``. The executor (nbclient, also inside papermill
and Voila) waits for that reply with ``await socket.poll()`` on the shell socket while, in
another task on the same event loop, its stand-in for the ``Output`` widget *sends* the widget's
state to the kernel on that same socket. A ZeroMQ socket signals readiness on an edge-triggered
file descriptor, and the send can consume the edge the reply raised; the poll is then never woken
(jupyter/nbclient issue 312). A poll with a timeout checks the socket itself when it expires, so
the reply is found.

:class:`PromptShellChannel` waits for a shell message in slices of :data:`POLL_SLICE`, checking
the socket at the end of each: a missed wake-up costs at most one slice, never the run. The
caller's own timeout keeps its meaning. Use :class:`WidgetSafeKernelManager` as papermill's or
nbclient's ``kernel_manager_class``, or :data:`CLIENT_CLASS` as a kernel manager's
``client_class`` (Voila).
"""

from __future__ import annotations

from queue import Empty
from time import monotonic

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

POLL_SLICE = 0.25
"""Longest wait (s) on the shell socket before it is checked again; the most a missed wake-up costs."""

CLIENT_CLASS = "simulation.reporting.kernel.WidgetSafeKernelClient"
"""Dotted name of :class:`WidgetSafeKernelClient`, for a kernel manager's ``client_class`` setting."""


class PromptShellChannel(AsyncZMQSocketChannel):
    """The shell channel, waiting in slices so that a consumed wake-up is recovered."""

    async def get_msg(self, timeout: float | None = None) -> dict:
        """The next shell message; :class:`queue.Empty` once ``timeout`` seconds (None: no limit) pass."""
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            left = POLL_SLICE if deadline is None else max(0.0, min(POLL_SLICE, deadline - monotonic()))
            if await self.socket.poll(int(left * 1000) or 1):
                return await self._recv()
            if deadline is not None and monotonic() >= deadline:
                raise Empty


class WidgetSafeKernelClient(AsyncKernelClient):
    """An asynchronous kernel client whose shell channel is a :class:`PromptShellChannel`."""

    shell_channel_class = Type(PromptShellChannel)


class WidgetSafeKernelManager(AsyncKernelManager):
    """An asynchronous kernel manager handing out :class:`WidgetSafeKernelClient` clients."""

    client_class = DottedObjectName(CLIENT_CLASS)
    client_factory = Type(WidgetSafeKernelClient, klass=AsyncKernelClient)

"""The widget-safe kernel client receives a shell reply whose wake-up a send on the same socket consumed.

The race (jupyter/nbclient issue 312) is reproduced deterministically: a task waits on the shell
socket; the reply to a request reaches the socket while the event loop is blocked; a message is
then sent on the same socket (as nbclient's stand-in for an ipywidgets ``Output`` does), which
consumes the edge-triggered wake-up. With jupyter_client's own channel this wait never ends; the
widget-safe channel must return the reply within a few poll slices.
"""

from __future__ import annotations

import asyncio
import time
from queue import Empty

import pytest
from traitlets.config.loader import KVArgParseConfigLoader

from simulation.cli.cmd_app import command
from simulation.reporting.kernel import (
    POLL_SLICE,
    PromptShellChannel,
    WidgetSafeKernelClient,
    WidgetSafeKernelManager,
)

TRIALS = 3


async def _replies_after_a_consumed_wake_up() -> list[float]:
    km = WidgetSafeKernelManager()
    await km.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"])
    kc = km.client()
    kc.start_channels()
    waits = []
    try:
        await kc.wait_for_ready(timeout=120)
        while True:  # wait_for_ready may leave a second kernel_info reply behind
            try:
                await kc.shell_channel.get_msg(timeout=0.5)
            except Empty:
                break
        for _ in range(TRIALS):
            waiter = asyncio.ensure_future(kc.shell_channel.get_msg())
            await asyncio.sleep(0.05)  # the waiter is now polling the shell socket
            msg_id = kc.kernel_info()
            time.sleep(0.5)  # the reply arrives while the loop cannot wake the waiter
            kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": "nobody", "data": {}}))
            start = time.monotonic()
            reply = await asyncio.wait_for(waiter, 10 * POLL_SLICE + 2)
            waits.append(time.monotonic() - start)
            assert reply["parent_header"]["msg_id"] == msg_id
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    return waits


@pytest.mark.slow
def test_a_reply_whose_wake_up_was_consumed_is_still_received():
    waits = asyncio.run(_replies_after_a_consumed_wake_up())
    assert len(waits) == TRIALS


def test_the_manager_hands_out_the_widget_safe_client():
    km = WidgetSafeKernelManager()
    kc = km.client()
    assert type(kc) is WidgetSafeKernelClient
    assert kc.shell_channel_class is PromptShellChannel


def test_the_app_configures_voila_kernels_with_the_widget_safe_client(tmp_path):
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

    args = [a for a in command(tmp_path / "app.ipynb", 8866, "127.0.0.1", "") if a.startswith("--ServerKernel")]
    config = KVArgParseConfigLoader(argv=args).load_config()
    assert ServerKernelManager(config=config).client_factory is WidgetSafeKernelClient

"""The warm kernel's quick readiness check loses no output and still notices a dead kernel."""

from __future__ import annotations

import pytest

from simulation.reporting.ready_client import ReadyKernelClient
from simulation.reporting.repository import REPO_ROOT
from simulation.reporting.warm_kernel import WarmKernel


@pytest.fixture(scope="module")
def kernel():
    warm = WarmKernel(REPO_ROOT, warm="")
    warm.fresh()
    yield warm
    warm.shutdown()


def first_output(client) -> str:
    """What the first cell run on a just-readied client prints (IOPub must already be connected)."""
    seen = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            seen.append(msg["content"]["text"])

    client.execute_interactive("print(6 * 7)", timeout=30, output_hook=hook)
    return "".join(seen)


def test_each_new_client_is_ready_with_iopub_connected(kernel):
    for _ in range(20):  # a fresh client each time: its IOPub subscription is new
        client = kernel.manager.client()
        assert isinstance(client, ReadyKernelClient)
        client.start_channels()
        try:
            client.wait_for_ready(timeout=30)
            assert first_output(client) == "42\n"
        finally:
            client.stop_channels()


def test_a_dead_kernel_is_reported():
    warm = WarmKernel(REPO_ROOT, warm="")
    warm.fresh()
    client = warm.manager.client()
    warm.shutdown()
    client.start_channels()
    try:
        with pytest.raises(RuntimeError, match="died|respond"):
            client.wait_for_ready(timeout=3)
    finally:
        client.stop_channels()

"""Torch as the gradient oracle: float64, on CUDA when present and allowed, CPU otherwise."""

from __future__ import annotations

import functools
from typing import Any

from ..config import TorchDevice


class TorchOracle:
    """Lazily imports torch (about 1.5 s) only when a check needs autograd.

    Every oracle tensor is float64 by construction (`tensor`); torch's process-wide default
    dtype is left alone, so code that runs in the same process afterwards (the batch workers'
    next submission, staff experiments, tests) still gets torch's float32 defaults.
    """

    def __init__(self, policy: TorchDevice = TorchDevice.AUTO) -> None:
        self.policy = policy

    @functools.cached_property
    def torch(self) -> Any:
        import torch

        return torch

    @functools.cached_property
    def device(self) -> str:
        if self.policy is TorchDevice.CPU:
            return "cpu"
        available = self.torch.cuda.is_available()
        if self.policy is TorchDevice.CUDA and not available:
            raise RuntimeError("torch_device is 'cuda' but no CUDA device is present")
        return "cuda" if available else "cpu"

    def tensor(self, value: Any, grad: bool = False) -> Any:
        """A float64 tensor on the oracle's device."""
        return self.torch.tensor(value, dtype=self.torch.float64, device=self.device,
                                 requires_grad=grad)

    def numpy(self, tensor: Any) -> Any:
        return tensor.detach().cpu().numpy()

    @property
    def used(self) -> str:
        """The device, if torch was used at all ('none' otherwise)."""
        return self.device if "torch" in self.__dict__ else "none"

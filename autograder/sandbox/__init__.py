"""Running untrusted student code: a separate, limited, unprivileged process (see layers.py)."""

from .layers import Capabilities, probe_capabilities
from .process import Sandbox, SandboxSettings, StudentFault
from .wire import Opaque

__all__ = ["Capabilities", "Opaque", "Sandbox", "SandboxSettings", "StudentFault",
           "probe_capabilities"]

# Re-export the public names of the main modules as `beras.<name>`.
from beras.core import *
from beras.gradient_tape import *
from beras.model import *
from beras.losses import *
from beras.activations import *
from beras.metrics import *

# Regenerates the small .npy files next to this script (numpy 2.x):
#   cd src/test/resources/io && python3 generate.py
# Values are arange-based so tests can check them without reading numpy.
import numpy as np
from numpy.lib import format as npf

a = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5          # [-2.5 .. 2.5]
np.save("f8.npy", a.astype(np.float64) / 3)                        # '<f8', (2, 3)
np.save("big_endian_f4.npy", a.astype(">f4"))                     # '>f4', (2, 3)
np.save("fortran.npy", np.asfortranarray(a))                       # fortran_order True
np.save("int64.npy", np.arange(4, dtype=np.int64))                 # '<i8', (4,)
np.save("scalar_f4.npy", np.float32(7.25))                         # shape ()
for version in [(2, 0), (3, 0)]:
    with open(f"v{version[0]}.npy", "wb") as f:                    # a itself, float32
        npf.write_array(f, a, version=version)

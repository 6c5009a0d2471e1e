import sys
from pathlib import Path

# Let the tests run from a checkout without an editable install.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

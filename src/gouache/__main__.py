import sys

from gouache.cli import main

sys.exit(main())

from .common import ValidationError, SchemaTooOldError, SchemaTooNewError
from .v3 import MetadataValidatorV3 as MetadataValidator
from .v3 import read_v3 as read, write_v3 as write
from .v3 import reads_v3 as reads, writes_v3 as writes

SCHEMA_VERSION = MetadataValidator.schema_version

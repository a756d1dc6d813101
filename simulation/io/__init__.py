"""Writing outputs: folders written atomically, the manifest with file hashes, provenance."""

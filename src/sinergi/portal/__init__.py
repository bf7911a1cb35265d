"""The citizen portal: the catalogue, applying, tracking, messages and documents."""

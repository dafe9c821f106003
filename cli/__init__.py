"""The kzdata command line: parses arguments and calls kzdata.pipelines, nothing more."""

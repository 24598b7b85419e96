"""How to run the pipeline at scale (Ray); what to run stays in yrd.pipeline and yrd.ingest."""

"""Where a full resolution job runs besides the local process: Spark (``spark_job``).

The local engine is ``resolution/batch.py`` itself; this package holds what needs the
optional ``spark`` extra (pyspark), imported only when a job asks for that engine.
"""

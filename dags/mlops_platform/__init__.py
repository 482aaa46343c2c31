"""Shared code of the repository's DAGs (no DAG in here; `.airflowignore` keeps Airflow from parsing it).

Airflow puts the DAG folder on `sys.path`, so DAG files import this package as `mlops_platform`.
"""

"""Entrypoint of the MLflow tracking server image: turns the container contract into `mlflow server`'s settings."""

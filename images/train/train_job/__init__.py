"""The train job: a small scikit-learn model on the processed data, tracked in MLflow, metrics for the promoter."""

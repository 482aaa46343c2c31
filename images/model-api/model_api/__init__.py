"""The model API: serves the model version its manifest names; admins may start a retraining run."""

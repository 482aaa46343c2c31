"""Prints, as JSON, the environment names each image reads per cloud, from each image's settings module (the one
source of truth; common/tests/test_env_names.py checks each module reads exactly what it declares). The both-ways
contract test (test/stacks/container-contract-both-ways.test.ts) compares this with what every stack passes.

    /usr/bin/python3 images/env_names.py
    {"model-api": {"aws": [...], "azure": [...], "gcp": [...], "runtime": []}, ...}

`runtime` are names the data trigger sets per run (never the stack).
"""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLOUDS = ("aws", "azure", "gcp")
#: Image folder -> its settings module.
MODULES = {"mlflow": "mlflow_server.settings", "model-api": "model_api.settings", "receiver": "receiver.settings",
           "train": "train_job.settings", "transform": "transform_job.settings"}
#: Per-cloud extras a module declares beside CLOUD_ENV_NAMES.
EXTRAS = {"aws": "AWS_JOB_ENV_NAMES", "azure": "AZURE_QUEUE_ENV_NAMES"}


def names() -> dict:
    for folder in sorted(HERE.iterdir()):
        if folder.is_dir() and not folder.name.startswith((".", "_")):
            sys.path.insert(0, str(folder))
    found = {f.parent.name for f in HERE.glob("*/Dockerfile")}
    if found != set(MODULES):
        raise SystemExit(f"images/env_names.py: expected image folders {sorted(MODULES)}, found {sorted(found)}")
    out = {}
    for image, module_name in MODULES.items():
        module = importlib.import_module(module_name)
        runtime = list(getattr(module, "RUNTIME_ENV_NAMES", ()))
        entry = {"runtime": sorted(runtime)}
        for cloud in CLOUDS:
            read = set(module.ENV_NAMES) | {"PLATFORM_CLOUD"} | set(module.CLOUD_ENV_NAMES[cloud])
            read |= set(getattr(module, EXTRAS.get(cloud, ""), ()) if cloud in EXTRAS else ())
            entry[cloud] = sorted(read)
        out[image] = entry
    return out


if __name__ == "__main__":
    print(json.dumps(names(), indent=2, sort_keys=True))

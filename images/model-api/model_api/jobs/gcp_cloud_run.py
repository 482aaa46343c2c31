"""Google Cloud: Cloud Run Admin API v2 `jobs.run`, signed in with the service's own service account.

POST https://run.googleapis.com/v2/{projects/<p>/locations/<r>/jobs/<name>}:run answers a long-running
Operation whose `metadata` is the Execution being started; its `name` is the run id. The body carries no
`overrides`: that keeps the call within `run.jobs.run`, which roles/run.invoker on the train job grants
(modules/gcp/cloud-run.ts `allowStarting`); overrides would need `run.jobs.runWithOverrides`.
"""
from __future__ import annotations

from typing import Optional

import httpx

from mlops_common.gcp_token import MetadataServerToken, TokenProvider

from .job_starter import JobStartError

RUN_URL = "https://run.googleapis.com"


class CloudRunJobStarter:
    def __init__(self, job_name: str, token: Optional[TokenProvider] = None, base_url: str = RUN_URL, client: Optional[httpx.Client] = None) -> None:
        self._job = job_name
        self._token = token or MetadataServerToken()
        self._base = base_url.rstrip("/")
        self._client = client or httpx.Client(timeout=30.0)

    def start(self) -> str:
        try:
            response = self._client.post(f"{self._base}/v2/{self._job}:run", headers={"Authorization": f"Bearer {self._token()}"}, json={})
        except Exception as e:
            raise JobStartError(f"Cloud Run jobs.run {self._job}: {type(e).__name__}: {e}") from None
        if response.status_code != 200:
            raise JobStartError(f"Cloud Run jobs.run {self._job}: HTTP {response.status_code} {response.text[:300]}")
        operation = response.json()
        run_id = (operation.get("metadata") or {}).get("name") or operation.get("name")
        if not run_id:
            raise JobStartError(f"Cloud Run jobs.run {self._job}: the answer named no execution ({response.text[:200]})")
        return str(run_id)

"""Azure: Container Apps job start through Resource Manager, signed in with the workload's managed identity.

POST {job resource id}/start?api-version=2025-07-01 answers 200/202 with a JobExecutionBase `{id, name}`
(the API version azurerm v4.55.0 vendors: go-azure-sdk resource-manager/containerapps/2025-07-01/jobs/method_start.go).
The call needs `Microsoft.App/jobs/start/action` on the job and nothing else (it reads nothing back): the model
API's identity holds exactly that, on the train job only (modules/azure/container-app-job.ts `allowStarting`).
"""
from __future__ import annotations

from typing import Callable, Optional

import httpx

from .job_starter import JobStartError

ARM_URL = "https://management.azure.com"
API_VERSION = "2025-07-01"
ARM_SCOPE = "https://management.azure.com/.default"


def managed_identity_token(client_id: Optional[str]) -> Callable[[], str]:
    """A token provider for Resource Manager from the user-assigned identity AZURE_CLIENT_ID."""
    from azure.identity import DefaultAzureCredential

    credential = DefaultAzureCredential(managed_identity_client_id=client_id) if client_id else DefaultAzureCredential()
    return lambda: credential.get_token(ARM_SCOPE).token


class ContainerAppsJobStarter:
    def __init__(self, job_id: str, token: Callable[[], str], base_url: str = ARM_URL, client: Optional[httpx.Client] = None) -> None:
        self._job_id = job_id.rstrip("/")
        self._token = token
        self._base = base_url.rstrip("/")
        self._client = client or httpx.Client(timeout=30.0)

    def start(self) -> str:
        try:
            response = self._client.post(
                f"{self._base}{self._job_id}/start",
                params={"api-version": API_VERSION},
                headers={"Authorization": f"Bearer {self._token()}"},
                json={},
            )
        except Exception as e:
            raise JobStartError(f"Container Apps job start {self._job_id}: {type(e).__name__}: {e}") from None
        if response.status_code not in (200, 202):
            raise JobStartError(f"Container Apps job start {self._job_id}: HTTP {response.status_code} {response.text[:300]}")
        body = response.json() if response.content else {}
        name = body.get("name") or body.get("id")
        if not name:
            raise JobStartError(f"Container Apps job start {self._job_id}: the answer named no execution ({response.text[:200]})")
        return str(name)

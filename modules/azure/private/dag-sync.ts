/**
 * The DAG sync sidecar's program: mirrors `<container>/<prefix>` of a blob container into the
 * shared DAG folder every `DAG_SYNC_SECONDS`, deletions included, signing in with the app's
 * user-assigned identity (`AZURE_CLIENT_ID`). It runs in the same pinned apache/airflow image (its
 * default extras ship azure-identity and azure-storage-blob), so no second image is trusted.
 * Files are written to a temporary name and renamed, so the DAG processor never parses half a
 * file; blob names that would leave the folder (`..`) are skipped.
 */
export const DAG_SYNC_SCRIPT = `import os, pathlib, time
from azure.identity import ManagedIdentityCredential
from azure.storage.blob import ContainerClient

def sync(client, root, prefix, seen):
    want = {}
    for blob in client.list_blobs(name_starts_with=prefix):
        rel = blob.name[len(prefix):]
        if not rel or rel.endswith("/") or ".." in pathlib.PurePosixPath(rel).parts:
            continue
        want[rel] = blob.etag
    for rel, etag in want.items():
        if seen.get(rel) != etag:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".sync-tmp")
            tmp.write_bytes(client.download_blob(prefix + rel).readall())
            tmp.replace(target)
            seen[rel] = etag
    for path in [p for p in root.rglob("*") if p.is_file()]:
        rel = path.relative_to(root).as_posix()
        if rel not in want and not rel.endswith(".sync-tmp"):
            path.unlink()
            seen.pop(rel, None)

def main():
    credential = ManagedIdentityCredential(client_id=os.environ["AZURE_CLIENT_ID"])
    client = ContainerClient(os.environ["DAG_ACCOUNT_URL"], os.environ["DAG_CONTAINER"], credential=credential)
    root = pathlib.Path(os.environ.get("DAG_FOLDER", "/opt/airflow/dags"))
    root.mkdir(parents=True, exist_ok=True)
    prefix, seen = os.environ.get("DAG_PREFIX", "dags/"), {}
    while True:
        try:
            sync(client, root, prefix, seen)
        except Exception as error:  # keep serving the last good copy
            print(f"dag sync failed: {error}", flush=True)
        time.sleep(int(os.environ.get("DAG_SYNC_SECONDS", "30")))

if __name__ == "__main__":
    main()
`;

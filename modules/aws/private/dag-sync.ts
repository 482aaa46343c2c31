/**
 * The DAG sync sidecar's program on AWS: mirrors `s3://<DAG_BUCKET>/<DAG_PREFIX>` into the task's
 * shared DAG folder every `DAG_SYNC_SECONDS`, deletions included, as the task role (boto3's default
 * chain reads the ECS container credentials). It runs in the same pinned apache/airflow image (the
 * Amazon provider it ships brings boto3), so no second image is trusted. Files are written to a
 * temporary name and renamed, so the DAG processor never parses half a file; keys that would leave
 * the folder (`..`) are skipped. The Azure sidecar (modules/azure/private/dag-sync.ts) does the same
 * against a blob container.
 */
export const DAG_SYNC_SCRIPT = `import os, pathlib, time
import boto3

def sync(s3, bucket, root, prefix, seen):
    want = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            rel = obj["Key"][len(prefix):]
            if not rel or rel.endswith("/") or ".." in pathlib.PurePosixPath(rel).parts:
                continue
            want[rel] = obj["ETag"]
    for rel, etag in want.items():
        if seen.get(rel) != etag:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".sync-tmp")
            tmp.write_bytes(s3.get_object(Bucket=bucket, Key=prefix + rel)["Body"].read())
            tmp.replace(target)
            seen[rel] = etag
    for path in [p for p in root.rglob("*") if p.is_file()]:
        rel = path.relative_to(root).as_posix()
        if rel not in want and not rel.endswith(".sync-tmp") and "__pycache__" not in rel:
            path.unlink()
            seen.pop(rel, None)

def main():
    s3 = boto3.client("s3", region_name=os.environ["AWS_REGION"])
    root = pathlib.Path(os.environ.get("DAG_FOLDER", "/opt/airflow/dags"))
    root.mkdir(parents=True, exist_ok=True)
    bucket, prefix, seen = os.environ["DAG_BUCKET"], os.environ.get("DAG_PREFIX", "dags/"), {}
    while True:
        try:
            sync(s3, bucket, root, prefix, seen)
        except Exception as error:  # keep serving the last good copy
            print(f"dag sync failed: {error}", flush=True)
        time.sleep(int(os.environ.get("DAG_SYNC_SECONDS", "30")))

if __name__ == "__main__":
    main()
`;

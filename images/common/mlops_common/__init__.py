"""Code every workload image shares: environment settings, object storage, token verification.

Copied into each image from the `common` build context (images.yml passes `build-contexts: common=images/common`).
"""

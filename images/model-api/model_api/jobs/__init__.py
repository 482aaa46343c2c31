"""Starting the train job: one small interface, one implementation per cloud's job runtime."""
from .job_starter import JobStartError, JobStarter

__all__ = ["JobStartError", "JobStarter"]

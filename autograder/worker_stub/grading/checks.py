"""Stand-in for the checks while grading: the grader's referee runs the real ones outside this kernel."""


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    return lambda *args, **kwargs: print(f"(checks.{name} runs in the grader, outside your notebook's kernel)")

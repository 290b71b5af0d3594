"""Stand-in for the quiz while grading: the grader's referee checks the answers outside this kernel."""


def check(question_id, answer) -> None:
    print(f"({question_id} is checked by the grader, outside your notebook's kernel)")

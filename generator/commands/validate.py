"""`yaojian validate` (not yet built)."""

HELP = "（尚未实现）"


def add_arguments(parser):
    pass


def run(args):
    print("yaojian validate：尚未实现。")
    return 1

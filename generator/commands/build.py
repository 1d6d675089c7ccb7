"""`yaojian build` (not yet built)."""

HELP = "（尚未实现）"


def add_arguments(parser):
    pass


def run(args):
    print("yaojian build：尚未实现。")
    return 1

"""The README's table of environment variables lists every variable the code reads, and only
those (and the two the TLS libraries read for it). The names are found by parsing the source:
`os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)`, `env.get(...)` and `env[...]` on a
plugin's environment, the `setting(default, "NAME")` declarations of config.py, and the chat
publishers' `need(env, "NAME", ...)` and `chat_setting(..., "NAME")`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "dailypapers"
README = (ROOT / "README.md").read_text(encoding="utf-8")
NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
ENV_HOLDERS = {"env", "environ", "environment"}  # the names a mapping of the environment goes by
# Read for us by Python's ssl module and httpx (`httpx.create_ssl_context`), not by our code.
READ_BY_LIBRARIES = {"SSL_CERT_FILE", "SSL_CERT_DIR"}


def _holder(node: ast.expr) -> bool:
    """`env`, `os.environ`, `self.env`: an expression naming the environment."""
    if isinstance(node, ast.Name):
        return node.id in ENV_HOLDERS
    return isinstance(node, ast.Attribute) and node.attr in ENV_HOLDERS


def _name(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.fullmatch(node.value):
        return node.value
    return None


def _dynamic(node: ast.AST) -> bool:
    """A read of the environment by a name that is not a constant (`env[name]`, `env.get(name)`)."""
    if isinstance(node, ast.Subscript) and _holder(node.value):
        return _name(node.slice) is None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and _holder(node.func.value) and node.args:
        return _name(node.args[0]) is None
    return False


def _read_in(node: ast.AST) -> set[str]:
    """The environment variables one node reads by a constant name."""
    found: set[str] = set()
    if isinstance(node, ast.Subscript) and _holder(node.value):
        found.add(_name(node.slice) or "")
    elif isinstance(node, ast.Call):
        f, args = node.func, node.args
        if isinstance(f, ast.Attribute) and f.attr == "get" and _holder(f.value) and args:
            found.add(_name(args[0]) or "")
        elif isinstance(f, ast.Attribute) and f.attr == "getenv" and args:
            found.add(_name(args[0]) or "")
        elif isinstance(f, ast.Name) and f.id == "setting":
            found |= {_name(a) or "" for a in args[1:2]} | {_name(k.value) or "" for k in node.keywords if k.arg == "env"}
        elif isinstance(f, ast.Name) and f.id == "need" and len(args) >= 2:
            found.add(_name(args[1]) or "")
        elif isinstance(f, ast.Name) and f.id == "chat_setting":
            found |= {_name(a) or "" for a in args[3:4]} | {_name(k.value) or "" for k in node.keywords
                                                            if k.arg == "env_name"}
    return found - {""}


def read_by_the_code() -> dict[str, str]:
    """Every environment variable the package reads, and a file that reads it."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for name in _read_in(node):
                found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def dynamic_reads() -> set[tuple[str, str]]:
    """(file, function) of every read of the environment by a computed name."""
    found = set()
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for func in ast.walk(tree):
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found |= {(path.name, func.name) for node in ast.walk(func) if _dynamic(node)}
    return found


def listed_in_the_readme() -> set[str]:
    """The variables in the first column of the README's table of environment variables."""
    lines = README.splitlines()
    start = lines.index("| environment variable | what it does |")
    names: set[str] = set()
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        first = line.split("|")[1]
        names |= set(re.findall(r"`([^`]+)`", first))
    return names


def test_the_parser_finds_each_way_the_code_reads_the_environment() -> None:
    read = read_by_the_code()
    for name in ("DAILYPAPERS_HOME", "DAILYPAPERS_RETRIES",  # setting(...) declarations
                 "DAILYPAPERS_CONFIG", "XDG_DATA_HOME",  # os.environ.get
                 "OLLAMA_HOST", "VLLM_BASE_URL", "HF_TOKEN", "SMTP_PASSWORD", "SLACK_API_URL",  # env.get
                 "DISCORD_WEBHOOK_URL",  # need(env, ...)
                 "TELEGRAM_CHAT_ID"):  # chat_setting(..., env_name)
        assert name in read, name


def test_a_name_read_by_a_computed_key_comes_from_a_call_the_parser_reads() -> None:
    """Only the helpers whose callers name the variable read the environment by a computed name:
    settings read their declared `setting(..., "NAME")`, and the chat publishers' `need` and
    `chat_setting` are given the name. A new computed read would hide a name from this test."""
    # config.py by file, not by function: it reads only what its `setting` declarations name.
    others = {(f, fn) for f, fn in dynamic_reads() if f != "config.py"}
    assert others <= {("chat.py", "chat_setting"), ("chat.py", "need")}, others


def test_the_readme_lists_every_environment_variable_the_code_reads() -> None:
    missing = {name: where for name, where in read_by_the_code().items() if name not in listed_in_the_readme()}
    assert not missing, f"read by the code but not in the README's table: {missing}"


def test_the_readme_lists_no_variable_nothing_reads() -> None:
    extra = listed_in_the_readme() - set(read_by_the_code()) - READ_BY_LIBRARIES
    assert not extra, f"in the README's table but read by nothing: {sorted(extra)}"


def test_every_name_in_the_table_is_a_variable_name() -> None:
    listed = listed_in_the_readme()
    assert len(listed) > 40
    assert all(NAME.fullmatch(name) for name in listed), sorted(n for n in listed if not NAME.fullmatch(n))

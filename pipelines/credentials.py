"""The one path of a token from configuration to the request.

brands.yaml names, per account, where each of its secrets comes from (`tokens: {access_token: KOPI_FB_TOKEN}` or
`{file: /run/secrets/kopi_fb}`); an account without its own source uses the platform's shared variable
(FACEBOOK_PAGE_ACCESS_TOKEN, ...; the `Credential.env_var` of the client's spec). The secret is read from the
process environment, or from the mounted file, at run time only, by `account_secrets` - never from a file in the
repository, never stored in Dagster's run configuration. `defaults` are the values used where a variable is unset:
empty in production; the simulator's own tokens in simulator mode, injected by the entry point
(pipelines/simulation.py), so production code never knows the simulator.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from pipelines.config.models import Account, BrandsConfig, TokenSource
from pipelines.config.validators import ConfigProblem
from pipelines.errors import ConfigError
from pipelines.platforms.base import Credential

Secrets = dict[str, str | None]  # Credential.name -> secret (None: not configured)


def read_source(source: TokenSource, environ: Mapping[str, str], config_dir: Path) -> str | None:
    """The secret behind a token source: the variable's value, or the file's content (trailing newline cut; a
    relative path is relative to the configuration folder). None when the variable is unset or empty."""
    if source.env:
        return environ.get(source.env) or None
    path = Path(source.file)  # type: ignore[arg-type]
    if not path.is_absolute():
        path = config_dir / path
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise ConfigError(
            "brands.yaml",
            "tokens",
            f"the secret file {path} cannot be read ({exc.strerror})",
            expected="a readable file holding the token (a Docker or Kubernetes secret mount)",
        ) from None


def shared_secret(credential: Credential, environ: Mapping[str, str], defaults: Mapping[str, str]) -> str | None:
    """The platform's shared secret: its variable, else the injected default (the simulator's token)."""
    return environ.get(credential.env_var) or defaults.get(credential.env_var) or None


def account_secrets(
    credentials: Iterable[Credential],
    account: Account | None,
    *,
    environ: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    config_dir: Path,
) -> Secrets:
    """Every credential of a platform for one account: the account's own source where brands.yaml names one,
    else the shared variable, else the default."""
    environ = os.environ if environ is None else environ
    defaults = defaults or {}
    out: Secrets = {}
    for credential in credentials:
        source = account.tokens.get(credential.name) if account else None
        if source is not None:
            out[credential.name] = read_source(source, environ, config_dir) or defaults.get(credential.env_var)
        else:
            out[credential.name] = shared_secret(credential, environ, defaults)
    return out


def missing(credentials: Iterable[Credential], secrets: Secrets) -> list[Credential]:
    """The required credentials without a secret."""
    return [c for c in credentials if c.required and not secrets.get(c.name)]


def source_label(credential: Credential, account: Account | None) -> str:
    """What to set for a missing secret: the account's own source, else the shared variable (never a value)."""
    source = account.tokens.get(credential.name) if account else None
    return source.label if source is not None else f"environment variable {credential.env_var}"


def token_reference_problems(
    brands: BrandsConfig,
    credentials_by_platform: Mapping[str, tuple[Credential, ...]],
    *,
    environ: Mapping[str, str] | None = None,
    config_dir: Path,
    require_set: bool,
) -> list[ConfigProblem]:
    """brands.yaml's token references that cannot work: a credential name the platform does not have, and - in
    production (`require_set`) - a variable that is not set or a secret file that is missing. Each names the
    brand, account and key, and what to do (never a value: only the reference)."""
    environ = os.environ if environ is None else environ
    problems: list[ConfigProblem] = []
    for index, brand in enumerate(brands.brands):
        for platform, account in brand.accounts.items():
            known = {c.name for c in credentials_by_platform.get(platform, ())}
            for name, source in account.tokens.items():
                key = f"brands[{index}] ({brand.name}).accounts.{platform}.tokens.{name}"
                if name not in known:
                    problems.append(
                        ConfigProblem(
                            key,
                            f"{platform} has no credential {name!r}",
                            name,
                            f"name one of {platform}'s credentials: {', '.join(sorted(known)) or '(none)'}",
                        )
                    )
                    continue
                if not require_set:
                    continue
                if source.env and not environ.get(source.env):
                    problems.append(
                        ConfigProblem(
                            key,
                            f"the token reference {source.env} is not set",
                            source.env,
                            f"set the environment variable {source.env} to {brand.name}'s {platform} {name} "
                            "(or remove the reference to use the platform's shared variable)",
                        )
                    )
                elif source.file:
                    path = Path(source.file) if Path(source.file).is_absolute() else config_dir / source.file
                    if not path.is_file():
                        problems.append(
                            ConfigProblem(
                                key,
                                f"the secret file {path} does not exist",
                                source.file,
                                "mount the secret there, or point `file:` at where it is mounted",
                            )
                        )
    return problems

"""``evaltool keygen``: create the bureau key that signs template fingerprints.

Why: with a key, ``evaltool template`` signs each template and ``collect``/``check`` report a
return whose signature is missing or wrong (:mod:`evaltool.integrity.keys`, :mod:`evaltool.integrity`).
The key is written once into the user's config folder with 0600 permissions; its id (first 8
hex digits of its SHA-256) is printed and stored in every signed template. Replacing the key
(``--force``) makes templates signed with the old key show "密钥不同".

Exit codes: 0 written; 1 a key exists already (use ``--force``).

Example::

    evaltool keygen            # 已生成密钥 /home/u/.config/evaltool/bureau.key，密钥编号 3f2a9c1e
"""

from __future__ import annotations

from typing import Annotated

import typer

from evaltool.cli import LangOption, app, lang_of
from evaltool.messages import text

MSG = {
    "written": ("已生成密钥 {path}，密钥编号 {kid}（请妥善保管，不要随模板发出）",
                "key written to {path}, key id {kid} (keep it private; never send it out)"),
    "exists": ("密钥已存在：{path}（密钥编号 {kid}）。更换密钥会使已签名的模板无法验证，确需更换请加 --force",
               "a key already exists: {path} (key id {kid}); replacing it orphans signed templates — use --force"),
}


@app.command()
def keygen(
    force: Annotated[bool, typer.Option("--force", help="覆盖已有密钥 / replace an existing key")] = False,
    lang: LangOption = None,
) -> None:
    """生成财政局签名密钥 / Create the bureau signing key."""
    lang = lang_of(lang)
    from evaltool.integrity.keys import KeyExists, generate_key, key_id, key_path, load_key

    try:
        path, kid = generate_key(force=force)
    except KeyExists:
        existing = load_key()
        typer.echo(text(MSG, "exists", lang, path=key_path(), kid=key_id(existing) if existing else "?"), err=True)
        raise typer.Exit(1) from None
    typer.echo(text(MSG, "written", lang, path=path, kid=kid))

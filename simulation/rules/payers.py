"""The payers of the subsidised contribution: one registry, each payer once.

Adding a payer is one :class:`Payer` entry here (``docs/architecture.md``, recipe "add a payer"):
the scenario schema's allowed names, the ledger's payer order, whether its spending is public
subsidy and its labels in the brief and the Excel file all come from :data:`PAYERS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Payer:
    """One payer of the subsidised contribution.

    Attributes
    ----------
    name : str
        Key used in scenario files (``policy.payers``) and in output columns (``cost_<name>``).
    public : bool
        Whether its spending counts as public subsidy cost (``subsidy_cost``).
    label : dict of str to str
        Label by language (``id``, ``en``).
    source : str
        Where the payer's role comes from (facts numbers or ``assumption``).
    """

    name: str
    public: bool
    label: dict[str, str]
    source: str


PAYERS: dict[str, Payer] = {
    p.name: p
    for p in (
        Payer("apbd_kabupaten", True, {"id": "APBD Kabupaten", "en": "Regency budget (APBD Kabupaten)"}, "F0.1"),
        Payer("apbd_provinsi", True, {"id": "APBD Provinsi", "en": "Provincial budget (APBD Provinsi)"}, "F5.5"),
        Payer("dbhcht", True, {"id": "DBHCHT (cukai tembakau)", "en": "Tobacco excise (DBHCHT)"}, "F5.5, peers"),
        Payer("dana_desa", True, {"id": "Dana Desa", "en": "Village funds (Dana Desa)"}, "peers"),
        Payer("member_copay", False, {"id": "Iuran bersama peserta", "en": "Member co-payment"}, "assumption"),
    )
}
"""Who may pay the subsidised contribution, in the order the ledger and the brief list them."""

PAYER_NAMES: tuple[str, ...] = tuple(PAYERS)
PUBLIC_PAYERS: tuple[str, ...] = tuple(p.name for p in PAYERS.values() if p.public)

SELF = "mandiri_self"
"""The ledger's name for what self-paying members pay (not a payer of the subsidy)."""
SELF_LABEL = {"id": "Peserta mandiri", "en": "Self-paying members"}


def is_public(payer: str) -> bool:
    """Whether a payer's spending is public subsidy (not the members' own money).

    Raises
    ------
    KeyError
        For a name that is neither a registered payer nor :data:`SELF`.
    """
    if payer == SELF:
        return False
    return PAYERS[payer].public


def payer_label(payer: str, language: str) -> str:
    """The payer's label in ``language`` (``id`` or ``en``); ``self_paid`` is the self-payers' column."""
    return SELF_LABEL[language] if payer in (SELF, "self_paid") else PAYERS[payer].label[language]

"""Two desks of one installation that share with each other, set up through real actions."""

from tipline import vault
from tipline.accounts.actions import create_staff
from tipline.reports import conversation
from tipline.sharing import actions
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient


class TwoDesks:
    def __init__(self) -> None:
        self.sender = DeskWithRecipient("narcotics")
        self.receiver = DeskWithRecipient("customs", name="Customs desk")
        actions.set_desk_rules(
            self.receiver.desk, accepts_shares=True, requires_approval=False, acting_user=None
        )
        self.supervisor = create_staff(
            username="supervisor-narcotics",
            password=STRONG_PASSWORD,
            role="supervisor",
            desks=[self.sender.desk],
            acting_user=None,
        ).user
        self.supervisor_key = vault.unlock_with_password(
            self.supervisor.key_record, STRONG_PASSWORD
        )

    def open_as_sender(self, report: object) -> conversation.OpenedReport:
        return conversation.open_as_staff(report, self.sender.analyst, self.sender.private_key)  # type: ignore[arg-type]

    def open_as_receiver(self, report: object) -> conversation.OpenedReport:
        return conversation.open_as_staff(
            report,  # type: ignore[arg-type]
            self.receiver.analyst,
            self.receiver.private_key,
        )

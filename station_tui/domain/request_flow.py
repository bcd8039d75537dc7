"""How a villager request (微心愿) moves: 点单 → 派单 → 接单 → 完成 → 评单, and the side roads
(拒绝, 撤销, 上报). Pure rules: no I/O, no pydantic; the repository applies what they decide.

``TRANSITIONS`` is the whole table: each move, the states it may start from and the state
it leads to. ``check`` refuses a move the state does not allow with a plain Chinese message
naming the state and the moves it allows, and a move missing what it needs (a team or a
volunteer for 派单, a reason for 拒绝 and 上报, stars for 评价) with what to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from station_tui.domain.vocab import ESCALATION_TARGETS

PENDING, ASSIGNED, ACCEPTED, DONE, RATED = "待处理", "已派单", "已接单", "已完成", "已评价"
REJECTED, WITHDRAWN, ESCALATED = "已拒绝", "已撤销", "已上报"

#: Longest note, reason, answer or rating comment kept with a move.
NOTE_CHARS = 500


@dataclass(frozen=True, slots=True)
class Transition:
    #: The move's code (``assign``), used by the repository, the screen's keys and the tests.
    action: str
    #: What the station calls the move (派单), in messages.
    label: str
    sources: tuple[str, ...]
    target: str


#: Every move a request can make. A state not listed as a source allows none of them.
TRANSITIONS: tuple[Transition, ...] = (
    Transition("assign", "派单", (PENDING,), ASSIGNED),
    Transition("accept", "接单", (ASSIGNED,), ACCEPTED),
    Transition("decline", "退单", (ASSIGNED, ACCEPTED), PENDING),
    Transition("complete", "完成", (ACCEPTED,), DONE),
    Transition("rate", "评价", (DONE,), RATED),
    Transition("reject", "拒绝", (PENDING, ASSIGNED), REJECTED),
    Transition("withdraw", "撤销", (PENDING, ASSIGNED, ACCEPTED, ESCALATED), WITHDRAWN),
    Transition("escalate", "上报", (PENDING, ASSIGNED), ESCALATED),
    Transition("answer", "答复退回", (ESCALATED,), PENDING),
    Transition("serve_above", "上级办结", (ESCALATED,), DONE),
)
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
#: States no move leaves.
FINAL_STATES: tuple[str, ...] = (RATED, REJECTED, WITHDRAWN)


class MoveRefused(ValueError):
    """A move the request's state does not allow, or one missing what it needs; the message
    is plain Chinese, for the screen and the command line as it is."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True, slots=True)
class Move:
    """A move as asked for: the action and what it carries."""

    action: str
    #: 派单: the team or the volunteer (one of the two).
    team_id: str | None = None
    volunteer_id: str | None = None
    #: 拒绝, 上报, 退单: the reason; 答复退回: the answer; otherwise an optional note.
    note: str | None = None
    #: 上报: 乡镇 or 县.
    escalate_to: str | None = None
    #: 评价: 1–5 stars and the villager's comment.
    rating: int | None = None
    comment: str | None = None
    #: 完成: the activity that served the request.
    activity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an allowed move does: the new state and the request fields it sets."""

    from_state: str
    to_state: str
    updates: dict[str, object] = field(default_factory=dict)


def allowed(state: str) -> tuple[Transition, ...]:
    """The moves a request in ``state`` may make, in the table's order."""
    return tuple(t for t in TRANSITIONS if state in t.sources)


def refusal(state: str, action: str) -> str:
    """Why ``action`` cannot be made from ``state``, naming what can."""
    label = BY_ACTION[action].label if action in BY_ACTION else action
    moves = allowed(state)
    if not moves:
        return f"这条点单已经“{state}”，不能再{label}：它已办结，不能再变动。"
    return f"这条点单现在是“{state}”，不能{label}。现在可以：{'、'.join(t.label for t in moves)}。"


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def check(state: str, move: Move) -> Outcome:
    """The outcome of ``move`` on a request in ``state``, or ``MoveRefused`` saying why not."""
    transition = BY_ACTION.get(move.action)
    if transition is None:
        raise MoveRefused("unknown_move", f"没有“{move.action}”这种操作。")
    if state not in transition.sources:
        raise MoveRefused("move_not_allowed", refusal(state, move.action))
    if move.note is not None and len(move.note) > NOTE_CHARS:
        raise MoveRefused("note_too_long", f"说明太长了：最多 {NOTE_CHARS} 个字")
    updates: dict[str, object] = {}
    action = move.action
    if action == "assign":
        if (move.team_id is None) == (move.volunteer_id is None):
            raise MoveRefused("assign_to", "派单要选一支队伍或一位志愿者（二选一）。")
        updates = {"team_id": move.team_id, "volunteer_id": move.volunteer_id}
    elif action in ("reject", "decline") and _blank(move.note):
        raise MoveRefused("reason_needed", f"{transition.label}要写明原因。")
    elif action == "escalate":
        if move.escalate_to not in ESCALATION_TARGETS:
            raise MoveRefused("escalate_to", f"上报要选上报到哪一级：{'或'.join(ESCALATION_TARGETS)}。")
        if _blank(move.note):
            raise MoveRefused("reason_needed", "上报要写明原因（本站为什么办不了）。")
        updates = {"escalated_to": move.escalate_to}
    elif action == "answer" and _blank(move.note):
        raise MoveRefused("answer_needed", "答复退回要写上级的答复。")
    elif action == "complete":
        updates = {"activity_id": move.activity_id}
    elif action == "rate":
        if move.rating is None or not 1 <= move.rating <= 5:
            raise MoveRefused("rating", f"评价要打 1–5 颗星，收到“{move.rating if move.rating is not None else ''}”。")
        if move.comment is not None and len(move.comment) > 200:
            raise MoveRefused("comment_too_long", "评价内容太长了：最多 200 个字")
        updates = {"rating": move.rating, "comment": move.comment or None}
    if action == "decline":
        updates = {"team_id": None, "volunteer_id": None}
    return Outcome(state, transition.target, updates)


def average_tenths(rating_sum: int, rating_count: int) -> int | None:
    """The average of ``rating_count`` ratings summing to ``rating_sum`` in tenths of a star,
    rounded half up, in integers only: 9 over 2 → 45 (4.5), 13 over 3 → 43 (4.33…)."""
    if rating_count <= 0:
        return None
    return (rating_sum * 20 + rating_count) // (rating_count * 2)

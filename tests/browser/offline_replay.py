"""An independent replay of a learner's review log: placeholder until the
server's replay rules are known."""


def assert_states_replay_their_logs(user) -> None:
    pass

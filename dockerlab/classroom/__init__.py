"""The classroom: one machine serves a workshop, each learner on their own Docker Engine.

``dockerlab classroom --learners N`` (:mod:`.run`) starts JupyterHub (:mod:`.config`) with
JupyterHub's shared-password log-in (:mod:`.hubside`), one system user per learner
(:mod:`.names`, :mod:`.users`), each with their own private engine (:mod:`.engines`), and
the instructor's view of everyone's progress (:mod:`.instructor`, :mod:`.table`).
"""

# Services the tests need, sourced by .ci/run (owner: store). Exports reach pytest.
# PostgreSQL for the results store's tests: a throw-away cluster (initdb into /tmp as the
# postgres user, 127.0.0.1 only); the tests read EVALTOOL_TEST_PG and, with CI set, fail
# rather than skip when it is missing.
eval "$(scripts/pg_test_server.sh)"
echo "ci: PostgreSQL for the store tests at $EVALTOOL_TEST_PG"

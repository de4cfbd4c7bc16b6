// Tyk's security policies applied to keys (internal/policy/apply.go at 31e219bebd55), driven by
// Tyk's own test data: tests/gateway/tyk-samples/policy_testdata.json is Tyk's
// internal/policy/testdata/policies.json, and each case below is a case of Tyk's
// internal/policy/apply_test.go, named by its line there. Then the policy files a gateway reads
// (Tyk's policies/policies.json sample; a policy_path directory with a broken file in it).

#include "gateway/keys/apply_policies.h"
#include "gateway/keys/policy.h"
#include "gateway/keys/policy_store.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <nlohmann/json.hpp>

using namespace gb::gateway;
using Json = nlohmann::json;

class TestPolicies : public QObject
{
    Q_OBJECT

private:
    PolicySet m_tyk; ///< Tyk's test policies, each under its member name

    /// Applies the named policies to `session` as Tyk's test does (orgID "", apply_test.go:247).
    PolicyApplication apply(Session& session, std::vector<std::string> ids) const
    {
        session.applyPolicies = std::move(ids);
        const std::string org;
        return applyPolicies(session, m_tyk, &org);
    }
    static ApiLimit limitOf(const Session& s, const std::string& api)
    {
        const AccessDefinition* a = s.access(api);
        return a && a->limit ? *a->limit : ApiLimit{};
    }
    static std::vector<std::string> apis(const Session& s)
    {
        std::vector<std::string> out;
        for (const auto& [id, access] : s.accessRights)
            out.push_back(id);
        return out;
    }

private slots:
    void initTestCase();
    void missingAndForeignPolicies();
    void nonPartitioned();
    void quotaPartitions();
    void rateLimitPartitions();
    void aclPartitions();
    void inactive();
    void perApi();
    void inheritFromPartitions();
    void keyWithoutPolicies();
    void analyticsTagsOfAKey();
    void policyRoundTrip();
    void recordFile();
    void policyDirectory();
};

void TestPolicies::initTestCase()
{
    QFile f(QStringLiteral(GB_SOURCE_DIR "/tests/gateway/tyk-samples/policy_testdata.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const Json all = Json::parse(f.readAll().toStdString());
    std::vector<Policy> policies;
    for (const auto& [name, value] : all.items()) {
        std::string error;
        std::optional<Policy> p = parsePolicy(value.dump(), &error);
        QVERIFY2(p, qPrintable(QString::fromStdString(name + ": " + error)));
        // Tyk's test store is keyed by member name (NewStoreMap); a policy file loaded by the
        // gateway gets its member name as id (gateway/policy.go:167), as here. So where Tyk's
        // test expects the scope "p1" of nonpart1's own "id", the loaded policy's is "nonpart1".
        p->id = name;
        policies.push_back(std::move(*p));
    }
    m_tyk = PolicySet(std::move(policies));
}

void TestPolicies::missingAndForeignPolicies()
{
    Session s;
    QVERIFY(apply(s, {"nonpart1"}).error.empty()); // "Single", line 258
    Session missing;
    QVERIFY(apply(missing, {"nonexistent"}).error.find("not found") != std::string::npos); // 262
    Session foreign;
    const std::string error = apply(foreign, {"difforg"}).error; // "DiffOrg", line 266
    QVERIFY2(error.find("different org") != std::string::npos, error.c_str());

    // Without an API to check against, the policies' organisation is returned for the caller.
    Policy other;
    other.id = "other";
    other.orgId = "different";
    other.accessRights["a"] = AccessDefinition{};
    Session keyApi;
    keyApi.applyPolicies = {"other"};
    const PolicyApplication a = applyPolicies(keyApi, PolicySet({other}));
    QVERIFY(a.error.empty());
    QCOMPARE(a.orgId, std::string("different"));
}

void TestPolicies::nonPartitioned()
{
    // "MultiNonPart", lines 275-293: one missing policy among several is skipped; two policies
    // setting rights for different APIs give each API its policy as allowance scope.
    Session s;
    QVERIFY(apply(s, {"nonpart1", "nonpart2", "nonexistent"}).error.empty());
    QCOMPARE(apis(s), (std::vector<std::string>{"a", "b"}));
    QVERIFY(limitOf(s, "a").isEmpty());
    QCOMPARE(s.access("a")->allowanceScope, std::string("nonpart1"));
    QCOMPARE(s.access("b")->allowanceScope, std::string("nonpart2"));
    // "MultiACLPolicy", lines 295-313: one policy, no scope.
    Session one;
    QVERIFY(apply(one, {"nonpart3"}).error.empty());
    QCOMPARE(apis(one), (std::vector<std::string>{"a", "b"}));
    QVERIFY(one.access("a")->allowanceScope.empty());
}

void TestPolicies::quotaPartitions()
{
    const auto quotaMax = [this](std::vector<std::string> ids) {
        Session s;
        const PolicyApplication a = apply(s, std::move(ids));
        return a.error.empty() ? s.quotaMax : std::int64_t(-99);
    };
    QCOMPARE(quotaMax({"unlimited-quota"}), std::int64_t(-1)); // line 318
    QCOMPARE(quotaMax({"quota1"}), std::int64_t(2));           // line 327
    QCOMPARE(quotaMax({"quota1", "quota2"}), std::int64_t(3)); // bigger wins, line 336
    QCOMPARE(quotaMax({"quota5", "quota4"}), std::int64_t(4)); // line 345
    QCOMPARE(quotaMax({"quota3"}), std::int64_t(3));           // line 352
    // Lines 361-373: quota4 has no ACL partition, so its API b is not granted.
    Session s;
    QVERIFY(apply(s, {"quota4", "nonpart1"}).error.empty());
    QCOMPARE(s.quotaMax, std::int64_t(3));
    QCOMPARE(apis(s), std::vector<std::string>{"a"});
}

void TestPolicies::rateLimitPartitions()
{
    const auto rate = [this](std::vector<std::string> ids, double sessionRate) {
        Session s;
        s.rate = sessionRate;
        const PolicyApplication a = apply(s, std::move(ids));
        return a.error.empty() ? s.rate : -99.0;
    };
    QVERIFY(rate({"unlimited-rate"}, 0) <= 0);       // line 378
    QCOMPARE(rate({"rate1"}, 0), 3.0);               // line 385
    QCOMPARE(rate({"rate1", "rate2"}, 0), 4.0);      // the higher rate, line 394
    QCOMPARE(rate({"rate5", "rate4"}, 0), 10.0);     // line 403
    QCOMPARE(rate({"rate4", "rate5"}, 20), 10.0);    // the key's own is cleared, line 410
    QCOMPARE(rate({"rate-no-partition"}, 20), 12.0); // line 417
}

void TestPolicies::aclPartitions()
{
    Session one;
    QVERIFY(apply(one, {"acl1"}).error.empty()); // line 446
    QCOMPARE(apis(one), std::vector<std::string>{"a"});
    Session two;
    QVERIFY(apply(two, {"acl1", "acl2"}).error.empty()); // line 455
    QCOMPARE(apis(two), (std::vector<std::string>{"a", "b"}));

    // Lines 463-470: rights from acl1 only; the rate partition sets a's limit.
    Session rateForAb;
    QVERIFY(apply(rateForAb, {"acl1", "rate-for-a-b"}).error.empty());
    QCOMPARE(apis(rateForAb), std::vector<std::string>{"a"});
    QCOMPARE(limitOf(rateForAb, "a").rate, 4.0);
    QCOMPARE(limitOf(rateForAb, "a").per, 1.0);

    // Lines 472-482: each API its own rate.
    Session each;
    QVERIFY(apply(each, {"acl-for-a-b", "rate-for-a", "rate-for-b"}).error.empty());
    QCOMPARE(limitOf(each, "a").rate, 4.0);
    QCOMPARE(limitOf(each, "b").rate, 2.0);

    // "RightsUpdate", lines 484-495: the policies' rights replace the key's own.
    Session update;
    update.accessRights["c"] = AccessDefinition{};
    QVERIFY(apply(update, {"acl-for-a-b"}).error.empty());
    QCOMPARE(apis(update), (std::vector<std::string>{"a", "b"}));
}

void TestPolicies::inactive()
{
    Session none; // "InactiveNoPolicies", lines 501-511: the key's own state stays
    none.isInactive = true;
    QVERIFY(apply(none, {}).error.empty());
    QVERIFY(none.isInactive);
    Session oneOff; // lines 513-521
    QVERIFY(apply(oneOff, {"tags1", "inactive1"}).error.empty());
    QVERIFY(oneOff.isInactive);
    Session allOff; // lines 523-531
    QVERIFY(apply(allOff, {"inactive1", "inactive2"}).error.empty());
    QVERIFY(allOff.isInactive);
    Session active; // "InactiveWithSession", lines 533-545: only the policies decide
    active.isInactive = true;
    QVERIFY(apply(active, {"tags1", "tags2"}).error.empty());
    QVERIFY(!active.isInactive);
    QCOMPARE(active.tags, (std::vector<std::string>{"tagA", "tagX", "tagY"}));
}

void TestPolicies::perApi()
{
    Session both; // lines 554-562
    QCOMPARE(apply(both, {"per_api_and_partitions"}).error,
             std::string("cannot apply policy per_api_and_partitions which has per_api and any "
                         "of partitions set"));

    Session s; // lines 564-593: each API its own limit, counted for that API
    QVERIFY(apply(s, {"per_api_and_no_other_partitions"}).error.empty());
    QCOMPARE(limitOf(s, "c").rate, 2000.0);
    QCOMPARE(limitOf(s, "c").per, 60.0);
    QCOMPARE(limitOf(s, "c").quotaMax, std::int64_t(-1));
    QCOMPARE(s.access("c")->allowanceScope, std::string("c"));
    QCOMPARE(limitOf(s, "d").quotaMax, std::int64_t(1000));
    QCOMPARE(limitOf(s, "d").quotaRenewalRate, std::int64_t(3600));
    QCOMPARE(s.access("d")->allowanceScope, std::string("d"));

    Session higher; // lines 627-655: per API, the higher rate and quota win
    QVERIFY(apply(higher,
                  {"per_api_and_no_other_partitions", "per_api_with_api_d", "per_api_with_api_c"})
                .error.empty());
    QCOMPARE(limitOf(higher, "c").rate, 3000.0);
    QCOMPARE(limitOf(higher, "c").per, 10.0);
    QCOMPARE(limitOf(higher, "c").quotaMax, std::int64_t(-1));
    QCOMPARE(limitOf(higher, "d").rate, 200.0);
    QCOMPARE(limitOf(higher, "d").quotaMax, std::int64_t(5000));

    const std::string mixed =
        "cannot apply multiple policies when some have per_api set and some are partitioned";
    Session m1, m2; // lines 658-666, both orders
    QCOMPARE(apply(m1, {"per_api_with_api_d", "quota1"}).error, mixed);
    QCOMPARE(apply(m2, {"rate1", "per_api_with_api_d"}).error, mixed);

    Session fromPolicy; // lines 668-697: an API without a limit gets the policy's, scoped to it
    QVERIFY(apply(fromPolicy, {"per_api_with_limit_set_from_policy"}).error.empty());
    QCOMPARE(limitOf(fromPolicy, "e").rate, 300.0);
    QCOMPARE(limitOf(fromPolicy, "e").quotaMax, std::int64_t(-1));
    QCOMPARE(fromPolicy.access("e")->allowanceScope,
             std::string("per_api_with_limit_set_from_policy"));
    QCOMPARE(limitOf(fromPolicy, "d").rate, 200.0);
    QCOMPARE(fromPolicy.access("d")->allowanceScope, std::string("d"));
}

void TestPolicies::inheritFromPartitions()
{
    // Lines 897-933, in both orders: quota from one partition, rate from the other.
    for (const auto& ids : {std::vector<std::string>{"quota1", "rate3"},
                            std::vector<std::string>{"rate3", "quota1"}}) {
        Session s;
        QVERIFY(apply(s, ids).error.empty());
        QCOMPARE(s.quotaMax, std::int64_t(2));
        QCOMPARE(s.rate, 4.0);
        QCOMPARE(s.per, 4.0);
    }
}

void TestPolicies::keyWithoutPolicies()
{
    // Lines 179-187: a key's own per-API limit is scoped to its API; nothing else changes.
    Session s;
    s.rate = 7;
    s.accessRights["x"].limit = ApiLimit{.rate = 5, .per = 1};
    s.accessRights["y"] = AccessDefinition{};
    QVERIFY(applyPolicies(s, m_tyk).error.empty());
    QCOMPARE(s.access("x")->allowanceScope, std::string("x"));
    QVERIFY(s.access("y")->allowanceScope.empty());
    QCOMPARE(s.rate, 7.0);
}

void TestPolicies::analyticsTagsOfAKey()
{
    // Tyk's getSessionTags (gateway/handler_success.go:104-121): pol-, dev-, then the key's.
    Session s;
    s.applyPolicies = {"gold", "silver"};
    s.metaDataJson = "{\"tyk_developer_id\":\"d1\",\"other\":1}";
    s.tags = {"team-a"};
    QCOMPARE(analyticsTags(s),
             (std::vector<std::string>{"pol-gold", "pol-silver", "dev-d1", "team-a"}));
    QCOMPARE(analyticsTags(Session{}), std::vector<std::string>{});
}

void TestPolicies::policyRoundTrip()
{
    const std::string text = Json{
        {"id", "gold"},
        {"org_id", "o"},
        {"rate", 10},
        {"per", 1},
        {"quota_max", 100},
        {"access_rights", {{"a", {{"api_id", "a"}, {"versions", {"Default"}}}}}},
        {"partitions", {{"rate_limit", true}}},
        {"graphql_access_rights",
         Json::object()}}.dump();
    std::string error;
    const std::optional<Policy> p = parsePolicy(text, &error);
    QVERIFY2(p, error.c_str());
    QCOMPARE(p->rate, 10.0);
    QVERIFY(p->partitions.rateLimit && !p->partitions.acl);
    const Json back = Json::parse(serializePolicy(*p));
    QCOMPARE(back["id"].get<std::string>(), std::string("gold"));
    QCOMPARE(back["quota_max"].get<int>(), 100);
    QVERIFY(back.contains("graphql_access_rights")); // unknown members survive
    QCOMPARE(back["access_rights"]["a"]["versions"][0].get<std::string>(), std::string("Default"));

    QVERIFY(!parsePolicy("{\"rate\": \"fast\"}", &error));
    QCOMPARE(error, std::string("rate: expected a number"));
    QVERIFY(!parsePolicy("[1]", &error));
}

void TestPolicies::recordFile()
{
    // Tyk's policies/policies.json: one object of id -> policy (LoadPoliciesFromFile).
    PoliciesConfig config;
    config.recordFile = GB_SOURCE_DIR "/tests/gateway/tyk-samples/policies.json";
    PolicyStore store(config, false);
    QVERIFY(store.errors().empty());
    const Policy* p = store.current()->find("54de205930c55e15bd000001", "default");
    QVERIFY(p != nullptr);
    QCOMPARE(p->rate, 1000.0);
    QCOMPARE(p->quotaMax, std::int64_t(100));
    QVERIFY(p->accessRights.contains("41433797848f41a558c1573d3e55a410"));
    QVERIFY(store.current()->find("another-org", "default") == nullptr);
    QVERIFY(store.current()->find("", "default") != nullptr); // a key without an org

    // A broken record file keeps what was loaded, and says why.
    QTemporaryDir dir;
    const std::string broken = dir.filePath("policies.json").toStdString();
    std::ofstream(broken) << "{\"gold\": {\"rate\": \"fast\"}}";
    PoliciesConfig brokenConfig;
    brokenConfig.recordFile = broken;
    PolicyStore kept(brokenConfig, false);
    QVERIFY(kept.current()->empty());
    QCOMPARE(kept.errors().size(), std::size_t(1));
    QVERIFY(kept.errors()[0].find("rate: expected a number") != std::string::npos);
}

void TestPolicies::policyDirectory()
{
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString();
    std::ofstream(path + "/gold.json") << "{\"id\": \"gold\", \"rate\": 10, \"per\": 1}";
    std::ofstream(path + "/broken.json") << "{\"id\": \"broken\", \"rate\": ";
    std::ofstream(path + "/noid.json") << "{\"rate\": 1}";
    std::ofstream(path + "/notes.txt") << "not a policy";
    PoliciesConfig config;
    config.directory = path;
    PolicyStore store(config, false);
    QCOMPARE(store.current()->all().size(), std::size_t(1)); // the broken ones are skipped
    QCOMPARE(store.errors().size(), std::size_t(2));
    QVERIFY(store.current()->find("", "gold") != nullptr);

    QVERIFY(!store.reload()); // nothing changed
    std::ofstream(path + "/gold.json") << "{\"id\": \"gold\", \"rate\": 20, \"per\": 1}";
    QVERIFY(store.reload());
    QCOMPARE(store.current()->find("", "gold")->rate, 20.0);
}

QTEST_GUILESS_MAIN(TestPolicies)
#include "tst_policies.moc"

#include "engine/histogram.h"

#include <QByteArray>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using gb::engine::Histogram;

namespace {

constexpr std::int64_t kTop = Histogram::kHighestTrackable;

// Percentiles as parts per million, so the reference rank below is exact integer arithmetic.
constexpr std::int64_t kPercentilesPpm[] = {0,       10'000,  100'000, 250'000, 500'000, 750'000,
                                            900'000, 950'000, 990'000, 999'000, 999'900, 1'000'000};

/// Nearest rank from the sorted samples: the ceil(p/100 * n)-th smallest, the smallest for p = 0.
std::int64_t exactPercentile(const std::vector<std::int64_t>& sorted, std::int64_t ppm)
{
    const auto n = static_cast<std::int64_t>(sorted.size());
    const std::int64_t rank = std::max<std::int64_t>(1, (ppm * n + 999'999) / 1'000'000);
    return sorted[static_cast<std::size_t>(rank - 1)];
}

std::vector<std::int64_t> samples(const QString& distribution, std::size_t n)
{
    std::mt19937_64 rng(20240611);
    std::vector<std::int64_t> out;
    out.reserve(n);
    if (distribution == "uniform") {
        std::uniform_int_distribution<std::int64_t> d(1'000, 10'000'000);
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(d(rng));
    } else if (distribution == "lognormal") {
        std::lognormal_distribution<double> d(std::log(200'000.0), 0.5);
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(std::max<std::int64_t>(1, std::llround(d(rng))));
    } else if (distribution == "bimodal") {
        std::lognormal_distribution<double> body(std::log(400'000.0), 0.3);
        std::uniform_int_distribution<std::int64_t> outlier(1'000'000'000, 5'000'000'000);
        std::bernoulli_distribution isOutlier(0.005);
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(isOutlier(rng) ? outlier(rng)
                                         : std::max<std::int64_t>(1, std::llround(body(rng))));
    } else if (distribution == "boundaries") {
        // Powers of two and sub-bucket edges (s << b for s in 1024..2047) and their neighbours,
        // where an off-by-one in the index or in the highest-equivalent value would show.
        std::uniform_int_distribution<int> magnitude(0, 29);
        std::uniform_int_distribution<std::int64_t> subBucket(1024, 2047);
        std::uniform_int_distribution<int> offset(-1, 1);
        for (std::size_t i = 0; i < n; ++i) {
            const int b = magnitude(rng);
            const std::int64_t edge = i % 2 ? std::int64_t{1} << (b + 10) : subBucket(rng) << b;
            out.push_back(std::max<std::int64_t>(1, edge + offset(rng)));
        }
    }
    return out;
}

Histogram recordAll(const std::vector<std::int64_t>& values)
{
    Histogram h;
    for (const std::int64_t v : values)
        h.record(v);
    return h;
}

QByteArray rawBytes(const std::string& encoded)
{
    return QByteArray::fromBase64(QByteArray::fromStdString(encoded));
}

std::string encode(const QByteArray& raw)
{
    return raw.toBase64().toStdString();
}

void putVarint(QByteArray& out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.append(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.append(static_cast<char>(v));
}

std::uint64_t zigZag(std::int64_t v)
{
    const auto u = static_cast<std::uint64_t>(v);
    return (u << 1) ^ (std::uint64_t{0} - (u >> 63));
}

/// Hand-built version-1 payload (see the format comment in histogram.cpp) after the header.
QByteArray header(std::uint64_t runCount)
{
    QByteArray out("H\x01", 2);
    putVarint(out, runCount);
    return out;
}

} // namespace

class TestHistogram : public QObject
{
    Q_OBJECT
private slots:
    void emptyAnswersZero()
    {
        const Histogram h;
        QVERIFY(h.empty());
        QCOMPARE(h.count(), 0u);
        QCOMPARE(h.min(), 0);
        QCOMPARE(h.max(), 0);
        QCOMPARE(h.mean(), 0.0);
        QCOMPARE(h.stddev(), 0.0);
        for (const double p : {0.0, 50.0, 99.9, 100.0})
            QCOMPARE(h.valueAtPercentile(p), 0);
        QVERIFY(h.buckets().empty());
        QCOMPARE(h, Histogram());
    }

    void singleValue_data()
    {
        QTest::addColumn<qint64>("value");
        for (const qint64 v : std::initializer_list<qint64>{1, 7, 1000, 2047, 2048, 2049,
                                                            123'456'789, kTop - 1, kTop})
            QTest::newRow(QByteArray::number(v).constData()) << v;
    }
    void singleValue()
    {
        QFETCH(qint64, value);
        Histogram h;
        h.record(value);
        QCOMPARE(h.count(), 1u);
        QCOMPARE(h.min(), value);
        QCOMPARE(h.max(), value);
        for (const double p : {0.0, 0.001, 50.0, 99.99, 100.0})
            QCOMPARE(h.valueAtPercentile(p), value);
        QVERIFY(std::abs(h.mean() - double(value)) <= double(value) / 1024);
        QCOMPARE(h.stddev(), 0.0);
        const auto b = h.buckets();
        QCOMPARE(b.size(), std::size_t{1});
        QVERIFY(b[0].lowest <= value && value <= b[0].highest);
        QCOMPARE(b[0].count, 1u);
    }

    void clampsOutOfRangeButKeepsMinMaxExact()
    {
        Histogram h;
        h.record(0);
        h.record(-5);
        h.record(kTop * 4);
        h.record(INT64_MAX);
        h.record(INT64_MIN);
        h.record(1000);
        QCOMPARE(h.count(), 6u);
        QCOMPARE(h.min(), INT64_MIN);
        QCOMPARE(h.max(), INT64_MAX);
        QCOMPARE(h.valueAtPercentile(0), INT64_MIN);
        QCOMPARE(h.valueAtPercentile(100), INT64_MAX);
        // Three non-positive samples clamp to the 0 bucket; the top bucket answers with max().
        QCOMPARE(h.valueAtPercentile(50), 0);
        QCOMPARE(h.valueAtPercentile(60), 1000);
        QCOMPARE(h.valueAtPercentile(90), INT64_MAX);
        const auto b = h.buckets();
        QCOMPARE(b.size(), std::size_t{3});
        QCOMPARE(b.front().lowest, INT64_MIN);
        QCOMPARE(b.front().count, 3u);
        QCOMPARE(b.back().highest, INT64_MAX);
        QCOMPARE(b.back().count, 2u);
        QCOMPARE(b.back().lowest, kTop);

        Histogram negative;
        negative.record(-7);
        QCOMPARE(negative.min(), -7);
        QCOMPARE(negative.max(), -7);
        QCOMPARE(negative.valueAtPercentile(50), -7);
    }

    void smallValuesAreExact()
    {
        std::vector<std::int64_t> values;
        for (std::int64_t v = 1; v < 2048; ++v)
            for (std::int64_t k = 0; k < v % 5 + 1; ++k)
                values.push_back(v);
        const Histogram h = recordAll(values);
        std::sort(values.begin(), values.end());
        for (const std::int64_t ppm : kPercentilesPpm)
            QCOMPARE(h.valueAtPercentile(double(ppm) / 10'000), exactPercentile(values, ppm));
        for (const auto& b : h.buckets())
            QCOMPARE(b.lowest, b.highest);
    }

    void recordNWeighs()
    {
        Histogram a;
        a.recordN(5000, 3);
        a.recordN(9000, 0); // no sample, so it must not become max
        Histogram b;
        for (int i = 0; i < 3; ++i)
            b.record(5000);
        QCOMPARE(a, b);
        QCOMPARE(a.max(), 5000);
    }

    void percentileAccuracy_data()
    {
        QTest::addColumn<QString>("distribution");
        for (const char* d : {"uniform", "lognormal", "bimodal", "boundaries"})
            QTest::newRow(d) << QString::fromLatin1(d);
    }
    void percentileAccuracy()
    {
        QFETCH(QString, distribution);
        std::vector<std::int64_t> values = samples(distribution, 1'000'000);
        const Histogram h = recordAll(values);
        std::sort(values.begin(), values.end());
        QCOMPARE(h.count(), std::uint64_t{values.size()});
        QCOMPARE(h.min(), values.front());
        QCOMPARE(h.max(), values.back());
        for (const std::int64_t ppm : kPercentilesPpm) {
            const double p = double(ppm) / 10'000;
            const std::int64_t exact = exactPercentile(values, ppm);
            const std::int64_t got = h.valueAtPercentile(p);
            const double error = std::abs(double(got - exact)) / double(exact);
            if (error > 0.001)
                QFAIL(qPrintable(
                    QStringLiteral("p%1: histogram %2, exact %3").arg(p).arg(got).arg(exact)));
            // Reported as the bucket's highest value, so never below the exact answer.
            QVERIFY(got >= exact);
        }

        double sum = 0;
        for (const std::int64_t v : values)
            sum += double(v);
        const double exactMean = sum / double(values.size());
        double squares = 0;
        for (const std::int64_t v : values)
            squares += (double(v) - exactMean) * (double(v) - exactMean);
        const double exactStddev = std::sqrt(squares / double(values.size()));
        QVERIFY(std::abs(h.mean() - exactMean) <= exactMean * 0.001);
        QVERIFY(std::abs(h.stddev() - exactStddev) <= exactStddev * 0.001);
    }

    void percentileOutsideRange()
    {
        Histogram h;
        for (std::int64_t v = 100; v <= 1000; v += 100)
            h.record(v);
        QCOMPARE(h.valueAtPercentile(-1), 100);
        QCOMPARE(h.valueAtPercentile(std::nan("")), 100);
        QCOMPARE(h.valueAtPercentile(250), 1000);
        QCOMPARE(h.valueAtPercentile(10), 100);
        QCOMPARE(h.valueAtPercentile(10.0001), 200);
    }

    void mergeEqualsRecordingAll()
    {
        const std::vector<std::int64_t> values = samples("bimodal", 200'000);
        const auto half = static_cast<std::ptrdiff_t>(values.size() / 2);
        Histogram a = recordAll({values.begin(), values.begin() + half});
        const Histogram b = recordAll({values.begin() + half, values.end()});
        a.merge(b);
        QCOMPARE(a, recordAll(values));

        Histogram empty;
        empty.merge(Histogram());
        QCOMPARE(empty, Histogram());
        Histogram c = b;
        c.merge(Histogram());
        QCOMPARE(c, b);
    }

    void mergeIsAssociative()
    {
        const Histogram a = recordAll(samples("uniform", 50'000));
        const Histogram b = recordAll(samples("lognormal", 50'000));
        const Histogram c = recordAll(samples("boundaries", 50'000));
        Histogram left = a;
        left.merge(b);
        left.merge(c);
        Histogram bc = b;
        bc.merge(c);
        Histogram right = a;
        right.merge(bc);
        QCOMPARE(left, right);
        QCOMPARE(left.count(), 150'000u);
    }

    void mergeWithItself()
    {
        Histogram h = recordAll(samples("lognormal", 10'000));
        Histogram twice;
        twice.merge(h);
        twice.merge(h);
        h.merge(h);
        QCOMPARE(h, twice);
    }

    void bucketsCoverEveryValue()
    {
        const std::vector<std::int64_t> values = samples("lognormal", 100'000);
        const Histogram h = recordAll(values);
        const auto buckets = h.buckets();
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            QVERIFY(buckets[i].count > 0);
            QVERIFY(buckets[i].lowest <= buckets[i].highest);
            if (i > 0)
                QVERIFY(buckets[i - 1].highest < buckets[i].lowest);
            total += buckets[i].count;
        }
        QCOMPARE(total, h.count());
        for (const std::int64_t v : values) {
            const auto it = std::upper_bound(
                buckets.begin(), buckets.end(), v,
                [](std::int64_t value, const Histogram::Bucket& b) { return value < b.lowest; });
            QVERIFY(it != buckets.begin());
            QVERIFY(std::prev(it)->lowest <= v && v <= std::prev(it)->highest);
            // 3 significant digits: a bucket is never wider than 1/1024 of its values.
            QVERIFY(std::prev(it)->highest - std::prev(it)->lowest <= std::prev(it)->lowest / 1024);
        }
    }

    void resetAndMove()
    {
        Histogram h = recordAll(samples("uniform", 1000));
        h.reset();
        QCOMPARE(h, Histogram());
        h.record(42);
        QCOMPARE(h.valueAtPercentile(50), 42);

        Histogram moved = std::move(h);
        QCOMPARE(moved.count(), 1u);
        // A moved-from histogram is empty and must accept every operation.
        QVERIFY(h.empty()); // NOLINT(bugprone-use-after-move)
        QCOMPARE(h.valueAtPercentile(99), 0);
        QVERIFY(h.buckets().empty());
        QCOMPARE(h, Histogram());
        QCOMPARE(Histogram::deserialize(h.serialize()), std::optional<Histogram>(Histogram()));
        Histogram copyOfMovedFrom = h;
        copyOfMovedFrom.record(7);
        QCOMPARE(copyOfMovedFrom.max(), 7);
        h.record(42);
        QCOMPARE(h, moved);

        Histogram target = recordAll({1, 2, 3});
        target = std::move(moved);
        QCOMPARE(target.count(), 1u);
        moved.merge(target); // NOLINT(bugprone-use-after-move)
        QCOMPARE(moved, target);
        Histogram other = std::move(target);
        target.reset(); // NOLINT(bugprone-use-after-move)
        QVERIFY(target.empty());
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("kind");
        for (const char* k : {"empty", "single", "clamped", "sparse", "lognormal", "bimodal",
                              "boundaries", "hugeCounts"})
            QTest::newRow(k) << QString::fromLatin1(k);
    }
    void roundTrip()
    {
        QFETCH(QString, kind);
        Histogram h;
        if (kind == "single") {
            h.record(1234567);
        } else if (kind == "clamped") {
            h.record(INT64_MIN);
            h.record(0);
            h.record(INT64_MAX);
        } else if (kind == "sparse") {
            for (std::int64_t v = 1; v < kTop; v *= 3)
                h.recordN(v, std::uint64_t(v));
        } else if (kind == "hugeCounts") {
            // Count deltas wrap mod 2^64 on the wire; the counts must still come back exactly.
            h.recordN(10, UINT64_MAX / 2);
            h.recordN(11, 1);
            h.recordN(12, UINT64_MAX / 2);
        } else if (kind != "empty") {
            h = recordAll(samples(kind, 1'000'000));
        }
        const std::string text = h.serialize();
        QVERIFY(text.find_first_not_of(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
                std::string::npos);
        const std::optional<Histogram> back = Histogram::deserialize(text);
        QVERIFY(back.has_value());
        QCOMPARE(*back, h);
        QCOMPARE(back->count(), h.count());
        QCOMPARE(back->min(), h.min());
        QCOMPARE(back->max(), h.max());
        QCOMPARE(back->serialize(), text);
    }

    void serializedSizeIsCompact()
    {
        const Histogram h = recordAll(samples("lognormal", 1'000'000));
        const std::string text = h.serialize();
        qInfo("1M lognormal samples: %zu buckets, %zu bytes serialized", h.buckets().size(),
              text.size());
        QVERIFY(text.size() < 16 * 1024);

        Histogram few;
        for (std::int64_t v = 1000; v < 100'000'000; v = v * 102 / 100)
            few.recordN(v, 1000 + std::uint64_t(v % 977));
        QVERIFY(few.buckets().size() >= 300);
        QVERIFY(few.serialize().size() < 4 * 1024);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("text");
        const auto raw = [](const QByteArray& bytes) { return bytes.toBase64(); };
        const auto tail = [](QByteArray bytes, std::initializer_list<std::uint64_t> varints) {
            for (const std::uint64_t v : varints)
                putVarint(bytes, v);
            return bytes;
        };
        // gap, length-1, count delta..., min, max: one bucket at index 5 holding one sample of 5.
        QTest::newRow("valid control")
            << raw(tail(header(1), {5, 0, zigZag(1), zigZag(5), zigZag(5)}));
        QTest::newRow("empty string") << QByteArray();
        QTest::newRow("not base64") << QByteArray("not base64!");
        QTest::newRow("whitespace") << QByteArray("SAEA\n");
        QTest::newRow("missing padding") << QByteArray("SAE");
        QTest::newRow("padding inside") << QByteArray("SA==SAEA");
        QTest::newRow("non-zero pad bits") << QByteArray("SAF=");
        QTest::newRow("json") << QByteArray("{\"counts\":[]}");
        QTest::newRow("magic only") << raw("H");
        QTest::newRow("wrong magic") << raw(QByteArray("X\x01\x00", 3));
        QTest::newRow("wrong version") << raw(QByteArray("H\x02\x00", 3));
        QTest::newRow("version 0") << raw(QByteArray("H\x00\x00", 3));
        QTest::newRow("trailing garbage") << raw(QByteArray("H\x01\x00\x00", 4));
        QTest::newRow("truncated varint") << raw(QByteArray("H\x01\x81", 3));
        QTest::newRow("overlong varint") << raw(QByteArray("H\x01\x80\x00", 4));
        QTest::newRow("varint over 64 bits")
            << raw(tail(header(1), {}).append(QByteArray(9, '\xff')).append('\x02'));
        QTest::newRow("too many runs") << raw(header(1'000'000));
        QTest::newRow("run without data") << raw(header(1));
        QTest::newRow("index out of range")
            << raw(tail(header(1), {40'000, 0, zigZag(1), zigZag(kTop * 64), zigZag(kTop * 64)}));
        QTest::newRow("run past the end")
            << raw(tail(header(1), {31'744, 1, zigZag(1), zigZag(0), zigZag(kTop), zigZag(kTop)}));
        QTest::newRow("zero count")
            << raw(tail(header(1), {5, 0, zigZag(0), zigZag(5), zigZag(5)}));
        QTest::newRow("count overflow")
            << raw(tail(header(2), {5, 0, zigZag(-1), 1, 0, zigZag(2), zigZag(5), zigZag(7)}));
        QTest::newRow("touching runs")
            << raw(tail(header(2), {5, 0, zigZag(1), 0, 0, zigZag(0), zigZag(5), zigZag(6)}));
        QTest::newRow("min above max")
            << raw(tail(header(1), {5, 1, zigZag(1), zigZag(0), zigZag(6), zigZag(5)}));
        QTest::newRow("min outside first bucket")
            << raw(tail(header(1), {5, 1, zigZag(1), zigZag(0), zigZag(4), zigZag(6)}));
        QTest::newRow("max outside last bucket")
            << raw(tail(header(1), {5, 1, zigZag(1), zigZag(0), zigZag(5), zigZag(7000)}));
        QTest::newRow("one sample, two values")
            << raw(tail(header(1), {0, 0, zigZag(1), zigZag(-3), zigZag(0)}));
        QTest::newRow("missing max") << raw(tail(header(1), {5, 0, zigZag(1), zigZag(5)}));
        QTest::newRow("empty with min/max") << raw(tail(header(0), {zigZag(5), zigZag(5)}));
        QTest::newRow("huge text") << QByteArray(4 * 1024 * 1024, 'A');
    }
    void rejects()
    {
        QFETCH(QByteArray, text);
        const auto h = Histogram::deserialize(std::string_view(text.constData(), text.size()));
        if (QByteArray(QTest::currentDataTag()) == "valid control") {
            QVERIFY(h.has_value());
            QCOMPARE(h->valueAtPercentile(50), 5);
            QCOMPARE(h->serialize(), text.toStdString());
        } else {
            QVERIFY(!h.has_value());
        }
    }

    void rejectsUrlSafeAlphabet()
    {
        // Find a real encoding that uses '+' or '/', so only the alphabet is wrong after the swap.
        Histogram h;
        std::string text;
        for (std::int64_t v = 1; text.find_first_of("+/") == std::string::npos; v = v * 3 + 1) {
            h.record(v);
            text = h.serialize();
        }
        QVERIFY(Histogram::deserialize(text).has_value());
        std::replace(text.begin(), text.end(), '+', '-');
        std::replace(text.begin(), text.end(), '/', '_');
        QVERIFY(!Histogram::deserialize(text).has_value());
    }

    void rejectsEveryTruncation()
    {
        Histogram h = recordAll(samples("bimodal", 100'000));
        h.record(-1);
        h.record(INT64_MAX);
        const std::string text = h.serialize();
        const QByteArray bytes = rawBytes(text);
        for (qsizetype n = 0; n < bytes.size(); ++n)
            QVERIFY(!Histogram::deserialize(encode(bytes.left(n))).has_value());
        for (std::size_t n = 0; n < text.size(); ++n)
            QVERIFY(!Histogram::deserialize(text.substr(0, n)).has_value());
        QVERIFY(Histogram::deserialize(text).has_value());
    }

    void survivesRandomInput()
    {
        std::mt19937_64 rng(7);
        std::uniform_int_distribution<int> byte(0, 255);
        std::uniform_int_distribution<int> length(0, 64);
        const auto randomBytes = [&](int n) {
            QByteArray out;
            for (int i = 0; i < n; ++i)
                out.append(static_cast<char>(byte(rng)));
            return out;
        };
        // An accepted input must be the canonical encoding of what it decoded to.
        const auto check = [](const std::string& text) {
            const auto h = Histogram::deserialize(text);
            if (h)
                QCOMPARE(h->serialize(), text);
        };
        for (int i = 0; i < 2000; ++i) {
            const QByteArray junk = randomBytes(length(rng));
            check(junk.toStdString());
            check(encode(junk));
            // Past magic and version, so the parser itself gets exercised.
            check(encode(QByteArray("H\x01", 2) + junk));
        }
        // Mutations of a real encoding: flip, insert, delete bytes.
        const QByteArray valid = rawBytes(recordAll(samples("lognormal", 20'000)).serialize());
        std::uniform_int_distribution<qsizetype> position(0, valid.size() - 1);
        for (int i = 0; i < 3000; ++i) {
            QByteArray mutated = valid;
            for (int k = 0, edits = 1 + i % 3; k < edits; ++k) {
                const qsizetype at = position(rng) % mutated.size();
                switch (byte(rng) % 3) {
                case 0:
                    mutated[at] = static_cast<char>(mutated[at] ^ (1 << (byte(rng) % 8)));
                    break;
                case 1:
                    mutated.insert(at, static_cast<char>(byte(rng)));
                    break;
                default:
                    mutated.remove(at, 1);
                    break;
                }
            }
            check(encode(mutated));
            if (QTest::currentTestFailed())
                return;
        }
    }

    void tenMillionRecordsStayBounded()
    {
        std::mt19937_64 rng(99);
        std::lognormal_distribution<double> d(std::log(200'000.0), 0.5);
        Histogram h;
        std::size_t sizeAtOneMillion = 0;
        for (int i = 1; i <= 10'000'000; ++i) {
            h.record(std::llround(d(rng)));
            if (i == 1'000'000)
                sizeAtOneMillion = h.serialize().size();
        }
        QCOMPARE(h.count(), 10'000'000u);
        const std::size_t size = h.serialize().size();
        // More samples fill a few more tail buckets and widen counts by a few bits, no more.
        QVERIFY2(size < sizeAtOneMillion * 2,
                 qPrintable(QStringLiteral("%1 vs %2").arg(size).arg(sizeAtOneMillion)));
        QVERIFY(size < 32 * 1024);
        QCOMPARE(*Histogram::deserialize(h.serialize()), h);
    }
};

QTEST_GUILESS_MAIN(TestHistogram)
#include "tst_histogram.moc"

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>
/// One fitted model scored from many threads at once gives exactly what serial scoring gives: a transformer is shared
/// (Transform, cursors, Encode, Reconstruct), a PredictionEngine is not (one per thread, as ML.NET requires).
/// </summary>
public class ConcurrencyTests
{
    private const int Threads = 8;
    private const int RowCount = 300;

    private sealed class Fitted : IDisposable
    {
        public required float[][] Rows { get; init; }
        public required IDataView Data { get; init; }
        public required AutoencoderTransformer InMemory { get; init; }
        /// <summary>The zip loaded back with plain ML.NET: an OnnxTransformer chain.</summary>
        public required ITransformer Loaded { get; init; }
        /// <summary>The zip loaded back as a typed transformer, not used for anything yet.</summary>
        public required AutoencoderTransformer TypedLoaded { get; init; }

        public void Dispose()
        {
            InMemory.Dispose();
            TypedLoaded.Dispose();
            (Loaded as IDisposable)?.Dispose();
        }
    }

    private static Fitted Fit(Kind kind)
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(RowCount);
        var data = SyntheticData.Load(ml, rows);
        var model = Kinds.Estimator(ml, kind, o => { o.ReconstructionColumnName = "Reconstruction"; o.ReconstructionErrorColumnName = "Error"; }).Fit(data);
        using var file = new TempFile();
        ml.Model.Save(model, data.Schema, file.Path);
        var loaded = new MLContext().Model.Load(file.Path, out _);
        var typed = AutoencoderTransformer.Load(new MLContext(), file.Path);
        return new Fitted { Rows = rows, Data = data, InMemory = model, Loaded = loaded, TypedLoaded = typed };
    }

    /// <summary>The output columns, each read with its own cursor. The error column only where it can be read: ML.NET's
    /// OnnxTransformer (the loaded model, a PredictionEngine) cannot serve it (see ServingTests).</summary>
    private sealed record Scores(float[][] Latents, float[][] Reconstructions, float[]? Errors)
    {
        public static Scores Read(IDataView scored, bool withError) => new(
            ColumnReader.ReadVectors(scored, "Latent"),
            ColumnReader.ReadVectors(scored, "Reconstruction"),
            withError ? scored.GetColumn<float[]>("Error").Select(e => e[0]).ToArray() : null);

        public static Scores From(IReadOnlyList<ScoredRow> rows) =>
            new(rows.Select(r => r.Latent).ToArray(), rows.Select(r => r.Reconstruction).ToArray(), null);

        public void AssertIdentical(Scores other, string what)
        {
            Assert.True(SyntheticData.MaxAbsDifference(Latents, other.Latents) == 0, what + ": latents differ");
            Assert.True(SyntheticData.MaxAbsDifference(Reconstructions, other.Reconstructions) == 0, what + ": reconstructions differ");
            if (Errors is not null && other.Errors is not null) Assert.True(Errors.SequenceEqual(other.Errors), what + ": errors differ");
        }

        public void AssertClose(Scores other, float tolerance, string what)
        {
            Assert.True(SyntheticData.MaxAbsDifference(Latents, other.Latents) <= tolerance, what + ": latents differ");
            Assert.True(SyntheticData.MaxAbsDifference(Reconstructions, other.Reconstructions) <= tolerance, what + ": reconstructions differ");
        }
    }

    /// <summary>Runs <paramref name="work"/> on <see cref="Threads"/> threads released together; rethrows the first failure.</summary>
    private static T[] OnThreads<T>(Func<int, T> work)
    {
        var results = new T[Threads];
        var errors = new Exception?[Threads];
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                results[i] = work(i);
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a scoring thread hung");
        if (errors.FirstOrDefault(e => e is not null) is { } error)
            throw new Xunit.Sdk.XunitException($"A scoring thread failed: {error}");
        return results;
    }

    /// <summary>An engine that leaves the model alone when disposed (ML.NET's default engine disposes the transformer with it).</summary>
    private static PredictionEngine<FeaturesRow, ScoredRow> Engine(MLContext ml, ITransformer model) =>
        ml.Model.CreatePredictionEngine<FeaturesRow, ScoredRow>(model, new PredictionEngineOptions { OwnsTransformer = false });

    /// <summary>Predicts every row, starting at <paramref name="offset"/> so the threads do not move in step; back in row order.</summary>
    private static ScoredRow[] PredictAll(PredictionEngine<FeaturesRow, ScoredRow> engine, float[][] rows, int offset)
    {
        var result = new ScoredRow[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int i = (k + offset) % rows.Length;
            result[i] = engine.Predict(new FeaturesRow { Features = rows[i] });
        }
        return result;
    }

    [Theory]
    [InlineData(Kind.Plain)]
    [InlineData(Kind.Denoising)]
    public void PredictionEngines_on_eight_threads_match_serial_scoring(Kind kind)
    {
        using var fitted = Fit(kind);
        var batch = Scores.Read(fitted.InMemory.Transform(fitted.Data), withError: false);
        var models = new[] { ("in memory", (ITransformer)fitted.InMemory), ("typed, loaded", fitted.TypedLoaded), ("loaded", fitted.Loaded) };
        foreach (var (name, model) in models)
        {
            var ml = new MLContext();
            // Each thread makes its own engine at the same moment; the typed loaded model has not scored a single row
            // yet, so the threads race to build its serving transformer.
            var parallel = OnThreads(i =>
            {
                using var engine = Engine(ml, model);
                return Scores.From(PredictAll(engine, fitted.Rows, i * RowCount / Threads));
            });
            Scores serial;
            using (var engine = Engine(ml, model))
                serial = Scores.From(PredictAll(engine, fitted.Rows, 0));
            serial.AssertClose(batch, 1e-5f, $"{name}: single-row graph vs batched graph");
            for (int i = 0; i < Threads; i++) parallel[i].AssertIdentical(serial, $"{name}, thread {i}");
        }
    }

    [Theory]
    [InlineData(Kind.Plain)]
    [InlineData(Kind.Denoising)]
    public void Transform_and_cursors_on_eight_threads_match_serial_scoring(Kind kind)
    {
        using var fitted = Fit(kind);
        foreach (var (name, model, withError) in new[] { ("in memory", (ITransformer)fitted.InMemory, true), ("loaded", fitted.Loaded, false) })
        {
            var serial = Scores.Read(model.Transform(fitted.Data), withError);
            var shared = model.Transform(fitted.Data);
            // Even threads call Transform themselves; odd threads open cursors on one shared result.
            var parallel = OnThreads(i => Scores.Read(i % 2 == 0 ? model.Transform(fitted.Data) : shared, withError));
            for (int i = 0; i < Threads; i++) parallel[i].AssertIdentical(serial, $"{name}, thread {i}");
        }

        // The typed transformer's single-row calls share its ONNX Runtime session with the cursors above.
        var encoded = fitted.Rows.Select(r => fitted.InMemory.Encode(r)).ToArray();
        var rebuilt = fitted.Rows.Select(r => fitted.InMemory.Reconstruct(r)).ToArray();
        var single = OnThreads(i =>
        {
            var rows = fitted.Rows;
            var e = new float[rows.Length][];
            var r = new float[rows.Length][];
            for (int k = 0; k < rows.Length; k++)
            {
                int j = (k + i * 37) % rows.Length;
                e[j] = fitted.InMemory.Encode(rows[j]);
                r[j] = fitted.InMemory.Reconstruct(rows[j]);
            }
            return (e, r);
        });
        foreach (var (e, r) in single)
        {
            Assert.Equal(0f, SyntheticData.MaxAbsDifference(encoded, e));
            Assert.Equal(0f, SyntheticData.MaxAbsDifference(rebuilt, r));
        }
    }

    [Theory]
    [InlineData(Kind.Plain)]
    [InlineData(Kind.Denoising)]
    public void CreateEnumerable_and_KMeans_read_a_transform_result_with_parallel_consumers(Kind kind)
    {
        using var fitted = Fit(kind);
        var ml = new MLContext(seed: 1);
        var scored = fitted.InMemory.Transform(fitted.Data);
        var serial = ml.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false).ToList();
        Assert.Equal(RowCount, serial.Count);

        // Eight consumers enumerate the same data view at once.
        var parallel = OnThreads(_ => ml.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false).ToList());
        foreach (var rows in parallel) Scores.From(rows).AssertIdentical(Scores.From(serial), "CreateEnumerable");

        // ML.NET's k-means reads its training data with a set of cursors on several threads: fitted on the lazy
        // Transform result, it must find what it finds on a materialized copy of the same latents.
        var definition = SchemaDefinition.Create(typeof(ScoredRow));
        var copy = ml.Data.LoadFromEnumerable(serial, definition);
        KMeansModelParameters Clusters(IDataView data) => new MLContext(seed: 1).Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            FeatureColumnName = "Latent",
            NumberOfClusters = 4,
            NumberOfThreads = 4,
        }).Fit(data).Model;
        var fromView = Clusters(scored);
        var fromCopy = Clusters(copy);
        VBuffer<float>[] a = default!, b = default!;
        fromView.GetClusterCentroids(ref a, out int k1);
        fromCopy.GetClusterCentroids(ref b, out int k2);
        Assert.Equal(k2, k1);
        for (int c = 0; c < k1; c++)
            Assert.Equal(b[c].DenseValues(), a[c].DenseValues(), new FloatComparer(1e-6f));
    }
}

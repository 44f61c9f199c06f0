using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Vae;

public class VaeEstimatorTests
{
    private static VaeTransformer Fit(MLContext ml, IDataView data, Action<VaeOptions>? change = null) =>
        ml.Transforms.Vae(SmallVae.Options(change)).Fit(data);

    [Fact]
    public void Adds_the_latent_mean_and_the_optional_columns_with_the_right_sizes()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        var estimator = ml.Transforms.Vae(SmallVae.Options(o =>
        {
            o.LogVarianceColumnName = "LogVar";
            o.ReconstructionColumnName = "Rebuilt";
            o.ScoreColumnName = "Score";
        }));
        var shape = estimator.GetOutputSchema(Shapes.Of(data.Schema));
        Assert.Contains(shape, c => c.Name == "Score");
        using var model = estimator.Fit(data);
        var scored = model.Transform(data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), scored.Schema["Latent"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), scored.Schema["LogVar"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 20), scored.Schema["Rebuilt"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1), scored.Schema["Score"].Type);

        var rows = SyntheticData.Rows(200);
        var latents = ColumnReader.ReadVectors(scored, "Latent");
        var logVars = ColumnReader.ReadVectors(scored, "LogVar");
        var rebuilt = ColumnReader.ReadVectors(scored, "Rebuilt");
        var scores = ColumnReader.ReadVectors(scored, "Score");
        var close = new FloatComparer(1e-4f);
        Assert.Equal(model.Encode(rows[5]), latents[5], close);
        Assert.Equal(model.EncodeLogVariance(rows[5]), logVars[5], close);
        Assert.Equal(model.Reconstruct(rows[5]), rebuilt[5], close);
        Assert.Equal(model.NegativeElbo(rows[5]), scores[5][0], 3);
        Assert.All(rebuilt.SelectMany(r => r), v => Assert.InRange(v, 0f, 1f));

        // The score is the negative ELBO at the mean, recomputed here from the other columns: BCE of the rebuild + closed-form KL.
        for (int i = 0; i < 5; i++)
        {
            double bce = 0, kl = 0;
            for (int j = 0; j < 20; j++)
            {
                double p = Math.Clamp(rebuilt[i][j], 1e-7, 1 - 1e-7);
                bce -= rows[i][j] * Math.Log(p) + (1 - rows[i][j]) * Math.Log(1 - p);
            }
            for (int j = 0; j < 3; j++) kl += 0.5 * (Math.Exp(logVars[i][j]) + latents[i][j] * latents[i][j] - 1 - logVars[i][j]);
            Assert.Equal(bce + kl, scores[i][0], 2);
        }
    }

    [Fact]
    public void History_has_both_terms_per_epoch_for_train_and_validation_and_goes_to_the_log()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var reports = new List<EpochReport>();
        using var model = Fit(ml, SyntheticData.Load(ml, 300), o => { o.ValidationFraction = 0.2; o.Epochs = 4; o.EpochCallback = reports.Add; });
        Assert.Equal(4, model.TrainingHistory.Count);
        Assert.All(reports, r => Assert.IsType<VaeEpochReport>(r));
        foreach (var h in model.TrainingHistory)
        {
            Assert.True(h.ReconstructionTerm > 0 && h.KlDivergence >= 0);
            Assert.Equal(h.ReconstructionTerm + h.KlDivergence, h.TrainLoss, 6);
            Assert.NotNull(h.ValidationReconstructionTerm);
            Assert.NotNull(h.ValidationKlDivergence);
            Assert.Equal(h.ValidationNegativeElbo!.Value, h.ValidationLoss!.Value, 6);
        }
        Assert.True(model.TrainingHistory[^1].NegativeElbo < model.TrainingHistory[0].NegativeElbo);
        Assert.Contains(messages, m => m.Contains("train -ELBO") && m.Contains("KL") && m.Contains("validation -ELBO"));
    }

    [Fact]
    public void Beta_zero_trains_the_reconstruction_term_alone()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 300);
        using var plain = Fit(ml, data, o => o.Beta = 1);
        using var free = Fit(ml, data, o => o.Beta = 0);
        Assert.All(free.TrainingHistory, h => Assert.Equal(h.ReconstructionTerm, h.TrainLoss, 6));
        // Unpenalised, the posterior drifts far from the prior; with beta = 1 it stays close.
        Assert.True(free.TrainingHistory[^1].KlDivergence > 2 * plain.TrainingHistory[^1].KlDivergence,
            $"KL with beta 0: {free.TrainingHistory[^1].KlDivergence}, with beta 1: {plain.TrainingHistory[^1].KlDivergence}");
    }

    [Fact]
    public void KL_warm_up_ramps_beta_from_zero()
    {
        var ml = new MLContext(seed: 1);
        using var model = Fit(ml, SyntheticData.Load(ml, 320), o => { o.KlWarmupEpochs = 4; o.Epochs = 5; o.BatchSize = 32; });
        var betas = model.TrainingHistory.Select(h => h.Beta).ToArray();
        Assert.Equal([0.25, 0.5, 0.75, 1.0, 1.0], betas.Select(b => Math.Round(b, 6)).ToArray());
        Assert.Equal(model.TrainingHistory[0].ReconstructionTerm + 0.25 * model.TrainingHistory[0].KlDivergence, model.TrainingHistory[0].TrainLoss, 6);
    }

    public static TheoryData<string> Changes => new() { "Likelihood", "GaussianVariance", "Beta", "KlWarmupEpochs" };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Every_VAE_option_changes_the_model(string change)
    {
        float[][] Latents(Action<VaeOptions> configure)
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticData.Load(ml, 200);
            using var model = Fit(ml, data, configure);
            return ColumnReader.ReadVectors(model.Transform(data), "Latent");
        }
        var baseline = Latents(o => o.Likelihood = change == "GaussianVariance" ? VaeLikelihood.Gaussian : VaeLikelihood.Bernoulli);
        var changed = Latents(o =>
        {
            o.Likelihood = change == "GaussianVariance" ? VaeLikelihood.Gaussian : VaeLikelihood.Bernoulli;
            switch (change)
            {
                case "Likelihood": o.Likelihood = VaeLikelihood.Gaussian; break;
                case "GaussianVariance": o.GaussianVariance = 0.01; break;
                case "Beta": o.Beta = 4; break;
                case "KlWarmupEpochs": o.KlWarmupEpochs = 3; break;
            }
        });
        Assert.True(SyntheticData.MaxAbsDifference(baseline, changed) > 1e-3, $"{change} did not change the latents");
    }

    [Fact]
    public void Mean_output_is_deterministic_and_Sample_draws_afresh_but_repeats_with_the_seed()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 100);
        using var mean = Fit(ml, data);
        var m1 = ColumnReader.ReadVectors(mean.Transform(data), "Latent");
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(m1, ColumnReader.ReadVectors(mean.Transform(data), "Latent")));

        using var sample = Fit(ml, data, o => o.Output = VaeOutput.Sample);
        var s1 = ColumnReader.ReadVectors(sample.Transform(data), "Latent");
        var s2 = ColumnReader.ReadVectors(sample.Transform(data), "Latent");
        Assert.True(SyntheticData.MaxAbsDifference(s1, s2) > 1e-3, "two passes drew the same samples");
        // Same training seed, so the same weights: the draws scatter around the means.
        var spread = s1.Zip(m1).Average(p => p.First.Zip(p.Second).Average(q => Math.Abs(q.First - q.Second)));
        Assert.InRange(spread, 1e-3, 5);
        Assert.Equal(sample.Encode(SyntheticData.Rows(100)[0]), m1[0], new FloatComparer(1e-5f));

        // A fresh transformer of the same model (same seed) repeats the sequence of draws.
        using var file = new TempFile();
        ml.Model.Save(sample, data.Schema, file.Path);
        using var again = VaeTransformer.Load(new MLContext(), file.Path);
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(s1, ColumnReader.ReadVectors(again.Transform(data), "Latent")));
    }

    [Fact]
    public void Generate_is_seeded_decode_and_interpolate_agree_with_reconstruct()
    {
        var ml = new MLContext(seed: 1);
        using var model = Fit(ml, SyntheticData.Load(ml, 200));
        var a = model.GenerateRows(6, seed: 5);
        var b = model.GenerateRows(6, seed: 5);
        var c = model.GenerateRows(6, seed: 6);
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(a, b));
        Assert.True(SyntheticData.MaxAbsDifference(a, c) > 1e-3);
        Assert.All(a, r => Assert.Equal(20, r.Length));

        var view = model.Generate(6, seed: 5);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 20), view.Schema[VaeTransformer.GeneratedColumnName].Type);
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(a, ColumnReader.ReadVectors(view, VaeTransformer.GeneratedColumnName)));

        var rows = SyntheticData.Rows(200);
        var close = new FloatComparer(1e-4f);
        Assert.Equal(model.Reconstruct(rows[1]), model.Decode(model.Encode(rows[1])), close);
        var path = model.Interpolate(rows[1], rows[2], steps: 5);
        Assert.Equal(5, path.Length);
        Assert.Equal(model.Reconstruct(rows[1]), path[0], close);
        Assert.Equal(model.Reconstruct(rows[2]), path[^1], close);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Interpolate(rows[1], rows[2], steps: 1));
        Assert.Throws<ArgumentException>(() => model.Decode(new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GenerateRows(0, seed: 1));
    }

    [Fact]
    public void Importance_weighted_bound_is_at_least_the_ELBO()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 300);
        using var model = Fit(ml, data);
        var evaluation = model.Evaluate(data, importanceSamples: 50, seed: 3);
        Assert.Equal(300, evaluation.Rows);
        Assert.True(evaluation.KlDivergence > 0);
        Assert.Equal(-(evaluation.ReconstructionTerm + evaluation.KlDivergence), evaluation.Elbo, 9);
        Assert.True(evaluation.ImportanceWeightedLogLikelihood >= evaluation.Elbo,
            $"IWAE {evaluation.ImportanceWeightedLogLikelihood} < ELBO {evaluation.Elbo}");
        // One draw per row is an ELBO estimate itself; more draws tighten the bound.
        var one = model.Evaluate(data, importanceSamples: 1, seed: 3);
        Assert.True(evaluation.ImportanceWeightedLogLikelihood > one.ImportanceWeightedLogLikelihood);
        Assert.Equal(evaluation.ImportanceWeightedLogLikelihood, model.Evaluate(data, importanceSamples: 50, seed: 3).ImportanceWeightedLogLikelihood, 9);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Evaluate(data, importanceSamples: 0));
        Assert.Contains("importanceSamples", e.Message);
    }

    [Fact]
    public void Save_and_load_round_trip_keeps_features_and_generation()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        var pipeline = ml.Transforms.Vae(SmallVae.Options(o => o.ScoreColumnName = "Score"))
            .Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 3));
        var model = pipeline.Fit(data);
        var before = model.Transform(data);
        using var file = new TempFile();
        ml.Model.Save(model, data.Schema, file.Path);

        // Plain ML.NET load: a featurizer chain that gives the same latents, scores and clusters.
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(file.Path, out _);
        var after = loaded.Transform(data);
        Assert.True(SyntheticData.MaxAbsDifference(ColumnReader.ReadVectors(before, "Latent"), ColumnReader.ReadVectors(after, "Latent")) < 1e-5);
        Assert.True(SyntheticData.MaxAbsDifference(ColumnReader.ReadVectors(before, "Score"), ColumnReader.ReadVectors(after, "Score")) < 1e-3);
        Assert.Equal(before.GetColumn<uint>("PredictedLabel"), after.GetColumn<uint>("PredictedLabel"));

        // Typed load: generation and history survive.
        var vae = model.OfType<VaeTransformer>().Single();
        using var typed = VaeTransformer.Load(fresh, file.Path);
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(vae.GenerateRows(4, 9), typed.GenerateRows(4, 9)));
        Assert.Equal(vae.TrainingHistory.Select(h => h.KlDivergence), typed.TrainingHistory.Select(h => h.KlDivergence));
        Assert.Equal(vae.LayerSizes, typed.LayerSizes);

        // An autoencoder loader does not mistake the VAE for one, and vice versa.
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(fresh, file.Path));
        Assert.Contains("holds no autoencoder", e.Message);
        vae.Dispose();
    }

    [Fact]
    public void Prediction_engine_serves_one_row_at_a_time()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 100);
        using var model = Fit(ml, data);
        using var engine = ml.Model.CreatePredictionEngine<Reliability.FeaturesRow, LatentRow>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var row = SyntheticData.Rows(100)[3];
        Assert.Equal(model.Encode(row), engine.Predict(new Reliability.FeaturesRow { Features = row }).Latent, new FloatComparer(1e-5f));
    }

    public sealed class LatentRow
    {
        [VectorType(3)] public float[] Latent { get; set; } = [];
    }

    public static TheoryData<string, string> BadOptions => new()
    {
        { "Beta", "Beta must be 0 or more" },
        { "KlWarmupEpochs", "KlWarmupEpochs must be 0" },
        { "GaussianVariance", "GaussianVariance must be a positive number" },
        { "Likelihood", "Unknown likelihood" },
        { "Output", "Unknown output" },
        { "SameNames", "different names" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Bad_options_get_clear_errors(string option, string message)
    {
        var ml = new MLContext();
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Vae(SmallVae.Options(o =>
        {
            switch (option)
            {
                case "Beta": o.Beta = -0.5; break;
                case "KlWarmupEpochs": o.KlWarmupEpochs = -1; break;
                case "GaussianVariance": o.GaussianVariance = 0; break;
                case "Likelihood": o.Likelihood = (VaeLikelihood)7; break;
                case "Output": o.Output = (VaeOutput)7; break;
                case "SameNames": o.ScoreColumnName = "Latent"; break;
            }
        })));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Bernoulli_refuses_data_outside_zero_to_one_and_names_the_column()
    {
        var ml = new MLContext();
        var rows = SyntheticData.Rows(50).Select(r => r.Select(v => v * 3 - 1).ToArray()).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Vae(SmallVae.Options()).Fit(SyntheticData.Load(ml, rows)));
        Assert.Contains("Column 'Features'", e.Message);
        Assert.Contains("Bernoulli", e.Message);
        // The Gaussian likelihood takes any finite data.
        using var gaussian = ml.Transforms.Vae(SmallVae.Options(o => o.Likelihood = VaeLikelihood.Gaussian)).Fit(SyntheticData.Load(ml, rows));
        Assert.Equal(3, gaussian.LatentDimension);
    }

    [Fact]
    public void Wrong_input_size_is_refused_like_scikit_learn_does()
    {
        var ml = new MLContext(seed: 1);
        using var model = Fit(ml, SyntheticData.Load(ml, 100));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(SyntheticData.Load(ml, 50, size: 18)));
        Assert.Contains("Column 'Features' has 18 features, but the VAE expects 20", e.Message);
        Assert.Throws<ArgumentException>(() => model.Encode(new float[18]));
    }
}

using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Autoencoder;

public class SaveLoadTests
{
    private sealed class Fitted
    {
        public required MLContext Context { get; init; }
        public required float[][] Rows { get; init; }
        public required IDataView Data { get; init; }
        public required ITransformer Model { get; init; }
    }

    // Raw features on another scale, so NormalizeMinMax has work to do.
    private static Fitted FitPipeline()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(300).Select(r => r.Select(v => v * 255).ToArray()).ToArray();
        var data = SyntheticData.Load(ml, rows);
        var pipeline = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 8)))
            .Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 4));
        return new Fitted { Context = ml, Rows = rows, Data = data, Model = pipeline.Fit(data) };
    }

    private static (float[][] Latents, uint[] Labels) Score(ITransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        var latents = ColumnReader.ReadVectors(scored, "Latent");
        var labels = scored.GetColumn<uint>("PredictedLabel").ToArray();
        return (latents, labels);
    }

    [Fact]
    public void Pipeline_round_trips_through_a_zip_in_a_fresh_MLContext()
    {
        var fitted = FitPipeline();
        using var file = new TempFile();
        fitted.Context.Model.Save(fitted.Model, fitted.Data.Schema, file.Path);

        var fresh = new MLContext();
        var loaded = fresh.Model.Load(file.Path, out var schema);
        Assert.Equal(fitted.Data.Schema["Features"].Type, schema["Features"].Type);
        var before = Score(fitted.Model, fitted.Data);
        var after = Score(loaded, fitted.Data);
        Assert.True(SyntheticData.MaxAbsDifference(before.Latents, after.Latents) <= 1e-5f);
        Assert.Equal(before.Labels, after.Labels);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), loaded.Transform(fitted.Data).Schema["Latent"].Type);
    }

    private sealed class Input
    {
        [VectorType(20)] public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        [VectorType(3)] public float[] Latent { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    [Fact]
    public void PredictionEngine_works_in_memory_and_after_loading()
    {
        var fitted = FitPipeline();
        var batch = Score(fitted.Model, fitted.Data);
        var engine = fitted.Context.Model.CreatePredictionEngine<Input, Output>(fitted.Model);
        using var file = new TempFile();
        fitted.Context.Model.Save(fitted.Model, fitted.Data.Schema, file.Path);
        var fresh = new MLContext();
        var loadedEngine = fresh.Model.CreatePredictionEngine<Input, Output>(fresh.Model.Load(file.Path, out _));
        for (int i = 0; i < 20; i++)
        {
            var a = engine.Predict(new Input { Features = fitted.Rows[i] });
            var b = loadedEngine.Predict(new Input { Features = fitted.Rows[i] });
            Assert.Equal(batch.Labels[i], a.PredictedLabel);
            Assert.Equal(batch.Labels[i], b.PredictedLabel);
            Assert.Equal(batch.Latents[i], a.Latent, new FloatComparer(1e-5f));
            Assert.Equal(batch.Latents[i], b.Latent, new FloatComparer(1e-5f));
        }
    }

    [Fact]
    public void Typed_transformer_comes_back_from_the_zip()
    {
        var fitted = FitPipeline();
        var original = ((IEnumerable<ITransformer>)fitted.Model).OfType<AutoencoderTransformer>().Single();
        using var file = new TempFile();
        fitted.Context.Model.Save(fitted.Model, fitted.Data.Schema, file.Path);

        using var typed = AutoencoderTransformer.Load(new MLContext(), file.Path);
        Assert.Equal(original.InputSize, typed.InputSize);
        Assert.Equal(original.LatentDimension, typed.LatentDimension);
        Assert.Equal(original.LayerSizes, typed.LayerSizes);
        Assert.Equal(original.TrainingHistory.Select(h => h.TrainLoss), typed.TrainingHistory.Select(h => h.TrainLoss));
        Assert.Equal(original.BestEpoch, typed.BestEpoch);
        var row = new float[20];
        Array.Fill(row, 0.3f);
        Assert.Equal(original.Encode(row), typed.Encode(row));
        Assert.Equal(original.Reconstruct(row), typed.Reconstruct(row));

        using var byName = AutoencoderTransformer.Load(new MLContext(), file.Path, "Latent");
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(new MLContext(), file.Path, "Other"));
        Assert.Contains("no autoencoder writing column 'Other'", e.Message);
    }

    [Fact]
    public void Damaged_or_foreign_files_fail_with_a_clear_managed_error()
    {
        var fitted = FitPipeline();
        using var file = new TempFile();
        fitted.Context.Model.Save(fitted.Model, fitted.Data.Schema, file.Path);
        var bytes = File.ReadAllBytes(file.Path);

        using var truncated = new TempFile();
        File.WriteAllBytes(truncated.Path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(new MLContext(), truncated.Path));
        Assert.Contains("unreadable", e.Message);
        Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(truncated.Path, out _));

        using var text = new TempFile();
        File.WriteAllText(text.Path, "this is not a model");
        Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(new MLContext(), text.Path));

        // A real zip whose ONNX entry is garbage.
        using var garbage = new TempFile();
        File.WriteAllBytes(garbage.Path, bytes);
        using (var zip = ZipFile.Open(garbage.Path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(x => x.Name == "OnnxModel");
            string name = entry.FullName;
            entry.Delete();
            using var writer = new BinaryWriter(zip.CreateEntry(name).Open());
            var junk = new byte[1000];
            new Random(1).NextBytes(junk);
            writer.Write(junk.Length);
            writer.Write(junk);
        }
        e = Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(new MLContext(), garbage.Path));
        Assert.Contains("unreadable", e.Message);

        // A model zip without an autoencoder.
        using var plain = new TempFile();
        var ml = new MLContext();
        ml.Model.Save(ml.Transforms.NormalizeMinMax("Features").Fit(fitted.Data), fitted.Data.Schema, plain.Path);
        e = Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(ml, plain.Path));
        Assert.Contains("holds no autoencoder", e.Message);
    }

    /// <summary>
    /// The saved zip scores in another process whose application references only Microsoft.ML and
    /// Microsoft.ML.OnnxTransformer (samples/ServingOnly, built with the tests): same latents, same k-means labels.
    /// </summary>
    [Fact]
    public async Task Zip_scores_in_a_fresh_process_without_the_library_or_TorchSharp()
    {
        var servingDll = RepositoryPaths.ServingOnlyAssembly();
        var outputFolder = Path.GetDirectoryName(servingDll)!;
        Assert.False(File.Exists(Path.Combine(outputFolder, "TorchSharp.dll")), "ServingOnly must not carry TorchSharp");
        Assert.False(File.Exists(Path.Combine(outputFolder, "MLNet.Autoencoders.dll")), "ServingOnly must not carry the library");

        var fitted = FitPipeline();
        var (latents, labels) = Score(fitted.Model, fitted.Data);
        using var zip = new TempFile();
        using var expected = new TempFile(".json");
        fitted.Context.Model.Save(fitted.Model, fitted.Data.Schema, zip.Path);
        File.WriteAllText(expected.Path, JsonSerializer.Serialize(new
        {
            InputColumn = "Features",
            LatentColumn = "Latent",
            Rows = fitted.Rows,
            Latents = latents,
            Labels = labels,
        }));

        var (exit, output, errors) = await ServingOnlyProcess.Run(zip.Path, expected.Path);
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.Contains("OK: the zip scores the same", output);
    }

    /// <summary>
    /// Loading and scoring a saved model (cursor and PredictionEngine) in an app that has set nothing up writes nothing to
    /// stdout or stderr: the decoder that no output needs is kept outside the graph ONNX Runtime loads, so it prints no
    /// "Removing initializer" warnings. The child process still checks the scores (its exit code).
    /// </summary>
    [Fact]
    public async Task Loading_and_scoring_a_saved_autoencoder_or_VAE_writes_nothing_to_the_console()
    {
        var fitted = FitPipeline();
        var vaeContext = new MLContext(seed: 1);
        using var vae = vaeContext.Transforms.Vae(new VaeOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [8], Epochs = 2, Likelihood = VaeLikelihood.Gaussian,
        }).Fit(fitted.Data);
        foreach (var (context, model) in new (MLContext, ITransformer)[] { (fitted.Context, fitted.Model), (vaeContext, vae) })
        {
            var scored = model.Transform(fitted.Data);
            using var zip = new TempFile();
            using var expected = new TempFile(".json");
            context.Model.Save(model, fitted.Data.Schema, zip.Path);
            File.WriteAllText(expected.Path, JsonSerializer.Serialize(new
            {
                InputColumn = "Features",
                LatentColumn = "Latent",
                Rows = fitted.Rows,
                Latents = ColumnReader.ReadVectors(scored, "Latent"),
                Labels = scored.Schema.GetColumnOrNull("PredictedLabel") is null ? null : scored.GetColumn<uint>("PredictedLabel").ToArray(),
            }));
            var (exit, output, errors) = await ServingOnlyProcess.Run(zip.Path, expected.Path, "--quiet");
            Assert.True(exit == 0, $"{model.GetType().Name}: exit {exit}\n{output}\n{errors}");
            Assert.Equal("", output);
            Assert.Equal("", errors);
        }
    }
}

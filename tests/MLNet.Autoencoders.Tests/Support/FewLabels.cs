using Microsoft.ML;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Tests.Support;

/// <summary>
/// Small semi-supervised data for the autoencoder classifier: rows of the embedded Fashion-MNIST with a key-typed label
/// (the ten classes in order) that is missing on the unlabelled rows, a tiny pretrained autoencoder shared by the tests,
/// and tiny classifier options.
/// </summary>
public static class FewLabels
{
    public const int TrainRows = 300, TestRows = 200;

    private sealed class LabelName
    {
        public string Name { get; set; } = "";
    }

    private sealed class Row
    {
        [Microsoft.ML.Data.VectorType(FashionMnist.FeatureCount)]
        public float[] Features { get; set; } = [];
        public string Name { get; set; } = "";
    }

    private static readonly Lazy<FashionMnistData> Arrays = new(() => FashionMnist.LoadEmbeddedArrays(TrainRows + TestRows));

    /// <summary>The first <see cref="TrainRows"/> embedded images with a text label, the class name, that is empty
    /// (unlabelled) unless <paramref name="isLabelled"/>(i) (default: every other row); then <see cref="ToKey"/>.</summary>
    public static IDataView Train(MLContext ml, Func<int, bool>? isLabelled = null) =>
        ToKey(ml).Transform(View(ml, 0, TrainRows, isLabelled ?? (r => r % 2 == 0)));

    /// <summary>The next <see cref="TestRows"/> embedded images, every one labelled.</summary>
    public static IDataView Test(MLContext ml) => ToKey(ml).Transform(View(ml, TrainRows, TestRows, _ => true));

    /// <summary>Rows as a view with columns Features and Name (the class name, or empty).</summary>
    public static IDataView View(MLContext ml, int start, int count, Func<int, bool> isLabelled, Action<int, float[]>? edit = null)
    {
        var data = Arrays.Value.Slice(start, count);
        var names = FashionMnist.ClassNames;
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i =>
        {
            var features = data.GetFeatures(i).ToArray();
            edit?.Invoke(i, features);
            return new Row { Features = features, Name = isLabelled(i) ? names[data.Labels[i]] : "" };
        }).ToList());
    }

    /// <summary>The classes (0–9) of the train rows.</summary>
    public static byte[] TrainLabels => Arrays.Value.Labels[..TrainRows];

    /// <summary>The classes (0–9) of the test rows.</summary>
    public static byte[] TestLabels => Arrays.Value.Labels[TrainRows..(TrainRows + TestRows)];

    /// <summary>Name to the key "Label" of the ten class names in order; an empty name becomes the missing key.</summary>
    public static ITransformer ToKey(MLContext ml)
    {
        var classes = ml.Data.LoadFromEnumerable(FashionMnist.ClassNames.Select(n => new LabelName { Name = n }));
        return ml.Transforms.Conversion.MapValueToKey("Label", "Name", keyData: classes).Fit(classes);
    }

    private static readonly Lazy<AutoencoderTransformer> Pretrained = new(() =>
    {
        var ml = new MLContext(seed: 1);
        return ml.Transforms.Autoencoder(PretrainingOptions()).Fit(FashionMnist.ToDataView(ml, Arrays.Value.Slice(0, TrainRows)));
    });

    /// <summary>A tiny autoencoder (784-32-8), 4 epochs of batches of 32.</summary>
    public static AutoencoderOptions PretrainingOptions() => new()
    {
        InputColumnName = "Features", OutputColumnName = "Latent", HiddenLayerSizes = [32], LatentDimension = 8, Epochs = 4, BatchSize = 32, LearningRate = 3e-3, Seed = 1,
    };

    /// <summary>The tiny autoencoder, trained once and shared (do not dispose it).</summary>
    public static AutoencoderTransformer Autoencoder => Pretrained.Value;

    /// <summary>Tiny classifier options from the shared autoencoder: 3 epochs of batches of 32 (30 steps), seed 1.</summary>
    public static AutoencoderClassifierOptions Options(Action<AutoencoderClassifierOptions>? change = null)
    {
        var options = new AutoencoderClassifierOptions
        {
            PretrainedAutoencoder = Autoencoder, Epochs = 3, BatchSize = 32, LabelledBatchSize = 32, Seed = 1, HeadLearningRate = 1e-2, EncoderLearningRate = 1e-3,
        };
        change?.Invoke(options);
        return options;
    }
}

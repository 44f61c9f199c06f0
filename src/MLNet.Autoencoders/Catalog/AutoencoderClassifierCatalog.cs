using Microsoft.ML;

namespace MLNet.Autoencoders;

/// <summary>The semi-supervised autoencoder classifier on <c>mlContext.MulticlassClassification.Trainers</c>.</summary>
public static class AutoencoderClassifierCatalog
{
    /// <summary>
    /// Trains a multiclass classifier from few labels and many unlabelled rows: an autoencoder pretrained on every row gives
    /// the classifier its lower layers. Unlabelled rows hold the missing key (0) in the label column.
    /// </summary>
    /// <param name="catalog">The multiclass trainer catalog.</param>
    /// <param name="labelColumnName">A key-typed label; the missing key marks an unlabelled row.</param>
    /// <param name="featureColumnName">A known-size vector of Single.</param>
    /// <param name="method">How the unlabelled rows are used (default: interpolation consistency with a moving-average teacher;
    /// <see cref="SemiSupervisedMethod.FineTune"/> is pretrain-then-fine-tune).</param>
    /// <param name="epochs">Passes over all rows; null (default): 35 epochs within about 1,600 to 8,000 steps for the teacher
    /// methods, about 1,600 steps for the others.</param>
    /// <param name="seed">Seed; null takes it from the MLContext.</param>
    /// <example><code>
    /// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")   // empty label = unlabelled row
    ///     .Append(mlContext.MulticlassClassification.Trainers.AutoencoderClassifier("Label", "Features"))
    ///     .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    /// </code></example>
    public static AutoencoderClassifierTrainer AutoencoderClassifier(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = AutoencoderClassifierTrainer.Defaults.LabelColumnName, string featureColumnName = AutoencoderClassifierTrainer.Defaults.FeatureColumnName,
        SemiSupervisedMethod method = AutoencoderClassifierTrainer.Defaults.Method, int? epochs = null, int? seed = null)
        => catalog.AutoencoderClassifier(new AutoencoderClassifierOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Method = method,
            Epochs = epochs,
            Seed = seed,
        });

    /// <summary>Trains an autoencoder classifier configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The multiclass trainer catalog.</param>
    /// <param name="options">Columns, pretraining, method and training settings.</param>
    public static AutoencoderClassifierTrainer AutoencoderClassifier(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        AutoencoderClassifierOptions options)
    {
        var environment = MLContextAccess.FromCatalog(catalog);
        return new AutoencoderClassifierTrainer(environment, MLContextAccess.Transforms(environment), options);
    }
}

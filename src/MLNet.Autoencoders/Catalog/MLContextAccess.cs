using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace MLNet.Autoencoders;

/// <summary>
/// The one place that reaches ML.NET internals. ML.NET keeps the environment behind <c>mlContext.Transforms</c> in the private
/// field <c>_env</c>, the one behind <c>mlContext.MulticlassClassification.Trainers</c> in the internal
/// <c>Owner.Environment</c>, and the one behind <c>mlContext.Clustering.Trainers</c> behind the internal interface
/// <c>IInternalCatalog</c>; extension methods need it for the seed and the log (it is the MLContext's environment, seeded
/// like it). The autoencoder classifier's scorer is ML.NET's own multiclass scorer (a <see cref="MulticlassPredictionTransformer{TModel}"/>
/// over a softmax model with identity weights), whose constructors are internal. A test fails loudly if a future ML.NET
/// renames any of these.
/// </summary>
internal static class MLContextAccess
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly FieldInfo? EnvironmentField = typeof(TransformsCatalog).GetField("_env", Internal);

    private static readonly PropertyInfo? TrainersOwner = typeof(MulticlassClassificationCatalog.MulticlassClassificationTrainers).BaseType?.GetProperty("Owner", Internal);

    private static readonly PropertyInfo? CatalogEnvironment = typeof(TrainCatalogBase).GetProperty("Environment", Internal);

    private static readonly ConstructorInfo? TransformsConstructor =
        typeof(TransformsCatalog).GetConstructor(Internal, [typeof(IHostEnvironment)]);

    private static readonly ConstructorInfo? SoftmaxModelConstructor = typeof(MaximumEntropyModelParameters).GetConstructor(Internal,
        [typeof(IHostEnvironment), typeof(VBuffer<float>[]), typeof(float[]), typeof(int), typeof(int), typeof(string[]), typeof(ModelStatisticsBase)]);

    private static readonly ConstructorInfo? ScorerConstructor = typeof(MulticlassPredictionTransformer<MaximumEntropyModelParameters>).GetConstructor(Internal,
        [typeof(IHostEnvironment), typeof(MaximumEntropyModelParameters), typeof(DataViewSchema), typeof(string), typeof(string), typeof(string), typeof(string)]);

    public static IHostEnvironment FromCatalog(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (EnvironmentField?.GetValue(catalog) is IHostEnvironment environment)
            return environment;
        throw new NotSupportedException(
            "This version of ML.NET does not expose the MLContext behind mlContext.Transforms the way MLNet.Autoencoders expects. " +
            "Create the estimator directly: new AutoencoderEstimator(mlContext, options).");
    }

    // Every ML.NET catalog implements the internal interface IInternalCatalog, whose Environment property is the MLContext's environment.
    private static readonly PropertyInfo? InternalCatalogEnvironment = typeof(ClusteringCatalog.ClusteringTrainers).GetInterfaces()
        .FirstOrDefault(i => i.Name == "IInternalCatalog")?.GetProperty("Environment", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    /// <summary>The environment behind <c>mlContext.Clustering.Trainers</c>, and a transforms catalog on it (deep clustering's
    /// fitted model serves through ML.NET transforms).</summary>
    public static (IHostEnvironment Environment, TransformsCatalog Transforms) FromCatalog(ClusteringCatalog.ClusteringTrainers catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (InternalCatalogEnvironment?.GetValue(catalog) is IHostEnvironment environment)
            return (environment, Transforms(environment));
        throw new NotSupportedException(
            "This version of ML.NET does not expose the MLContext behind mlContext.Clustering.Trainers the way MLNet.Autoencoders expects. " +
            "Create the trainer directly: new DeepClusteringTrainer(mlContext, options).");
    }

    public static IHostEnvironment FromCatalog(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (TrainersOwner?.GetValue(catalog) is TrainCatalogBase owner && CatalogEnvironment?.GetValue(owner) is IHostEnvironment environment)
            return environment;
        throw new NotSupportedException(
            "This version of ML.NET does not expose the MLContext behind mlContext.MulticlassClassification.Trainers the way MLNet.Autoencoders expects. " +
            "Create the trainer directly: new AutoencoderClassifierTrainer(mlContext, options).");
    }

    /// <summary>The transform catalog of an environment (what <c>mlContext.Transforms</c> is for the MLContext).</summary>
    public static TransformsCatalog Transforms(IHostEnvironment environment) =>
        TransformsConstructor?.Invoke([environment]) as TransformsCatalog
        ?? throw new NotSupportedException("This version of ML.NET has no TransformsCatalog(IHostEnvironment) constructor; MLNet.Autoencoders needs one.");

    /// <summary>
    /// ML.NET's multiclass scorer over <paramref name="logitsColumn"/> (a vector of <paramref name="classes"/> logits):
    /// <c>Score</c> = softmax(logits) with the label's key values as slot names, <c>PredictedLabel</c> = argmax as the
    /// label's key type. Plain <c>mlContext.Model.Load</c> reads it back, and ML.NET's ONNX converter converts it.
    /// <paramref name="trainSchema"/> holds the logits column and the label column (its key type and key values).
    /// </summary>
    public static ITransformer SoftmaxScorer(IHostEnvironment environment, DataViewSchema trainSchema, string logitsColumn, string labelColumn, int classes)
    {
        if (SoftmaxModelConstructor is null || ScorerConstructor is null)
            throw new NotSupportedException("This version of ML.NET has no MaximumEntropyModelParameters or MulticlassPredictionTransformer constructor of the form MLNet.Autoencoders needs.");
        var weights = new VBuffer<float>[classes];
        for (int k = 0; k < classes; k++)
        {
            var row = new float[classes];
            row[k] = 1;
            weights[k] = new VBuffer<float>(classes, row);
        }
        try
        {
            var model = SoftmaxModelConstructor.Invoke([environment, weights, new float[classes], classes, classes, null, null]);
            return (ITransformer)ScorerConstructor.Invoke([environment, model, trainSchema, logitsColumn, labelColumn, "Score", "PredictedLabel"]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>Whether <paramref name="transformer"/> is a scorer made by <see cref="SoftmaxScorer"/> over <paramref name="logitsColumn"/>
    /// (possibly loaded from a zip).</summary>
    public static bool IsSoftmaxScorer(ITransformer transformer, string logitsColumn) =>
        transformer is MulticlassPredictionTransformer<MaximumEntropyModelParameters> scorer && scorer.FeatureColumnName == logitsColumn;
}

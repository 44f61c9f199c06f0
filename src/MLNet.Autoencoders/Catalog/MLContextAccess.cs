using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Autoencoders;

/// <summary>
/// The one place that reaches the ML.NET environment behind <c>mlContext.Transforms</c> and <c>mlContext.Clustering.Trainers</c>. ML.NET keeps it in the private field
/// <c>_env</c> behind an internal interface, and extension methods need it for the seed and the log (it is the MLContext's environment, seeded like it). A test fails loudly
/// if a future ML.NET renames the field.
/// </summary>
internal static class MLContextAccess
{
    private static readonly FieldInfo? EnvironmentField =
        typeof(TransformsCatalog).GetField("_env", BindingFlags.Instance | BindingFlags.NonPublic);

    // Every ML.NET catalog implements the internal interface IInternalCatalog, whose Environment property is the MLContext's environment.
    private static readonly PropertyInfo? CatalogEnvironment = typeof(ClusteringCatalog.ClusteringTrainers).GetInterfaces()
        .FirstOrDefault(i => i.Name == "IInternalCatalog")?.GetProperty("Environment", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    // TransformsCatalog's constructor from an environment is internal.
    private static readonly ConstructorInfo? TransformsConstructor = typeof(TransformsCatalog).GetConstructor(
        BindingFlags.Instance | BindingFlags.NonPublic, [typeof(IHostEnvironment)]);

    /// <summary>The environment behind <c>mlContext.Clustering.Trainers</c>, and a transforms catalog on it (deep clustering's
    /// fitted model serves through ML.NET transforms).</summary>
    public static (IHostEnvironment Environment, TransformsCatalog Transforms) FromCatalog(ClusteringCatalog.ClusteringTrainers catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (CatalogEnvironment?.GetValue(catalog) is IHostEnvironment environment && TransformsConstructor?.Invoke([environment]) is TransformsCatalog transforms)
            return (environment, transforms);
        throw new NotSupportedException(
            "This version of ML.NET does not expose the MLContext behind mlContext.Clustering.Trainers the way MLNet.Autoencoders expects. " +
            "Create the trainer directly: new DeepClusteringTrainer(mlContext, options).");
    }

    public static IHostEnvironment FromCatalog(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (EnvironmentField?.GetValue(catalog) is IHostEnvironment environment)
            return environment;
        throw new NotSupportedException(
            "This version of ML.NET does not expose the MLContext behind mlContext.Transforms the way MLNet.Autoencoders expects. " +
            "Create the estimator directly: new AutoencoderEstimator(mlContext, options).");
    }
}

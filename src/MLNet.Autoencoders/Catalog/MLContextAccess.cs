using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Autoencoders;

/// <summary>
/// The one place that reaches the ML.NET environment behind <c>mlContext.Transforms</c>. ML.NET keeps it in the private field
/// <c>_env</c> behind an internal interface, and extension methods need it for the seed and the log (it is the MLContext's environment, seeded like it). A test fails loudly
/// if a future ML.NET renames the field.
/// </summary>
internal static class MLContextAccess
{
    private static readonly FieldInfo? EnvironmentField =
        typeof(TransformsCatalog).GetField("_env", BindingFlags.Instance | BindingFlags.NonPublic);

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

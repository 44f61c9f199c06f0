using MLNet.Autoencoders.Evaluation;
using Xunit;

namespace MLNet.Autoencoders.Tests.Evaluation;

public class AnomalyScoresTests
{
    [Fact]
    public void Perfect_random_and_tied_rankings()
    {
        Assert.Equal(1.0, AnomalyScores.AreaUnderRocCurve([0.1f, 0.2f, 0.9f, 0.8f], [false, false, true, true]));
        Assert.Equal(0.0, AnomalyScores.AreaUnderRocCurve([0.9f, 0.8f, 0.1f, 0.2f], [false, false, true, true]));
        Assert.Equal(0.5, AnomalyScores.AreaUnderRocCurve([1f, 1f, 1f, 1f], [false, true, false, true]));
        // scikit-learn roc_auc_score([0,0,1,1,0,1], [0.1,0.4,0.35,0.8,0.5,0.5]) = 0.7222...
        Assert.Equal(0.7222222222, AnomalyScores.AreaUnderRocCurve([0.1f, 0.4f, 0.35f, 0.8f, 0.5f, 0.5f], [false, false, true, true, false, true]), 8);
    }

    [Fact]
    public void One_sided_or_mismatched_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => AnomalyScores.AreaUnderRocCurve([1f, 2f], [true, true]));
        Assert.Throws<ArgumentException>(() => AnomalyScores.AreaUnderRocCurve([1f], [true, false]));
    }
}

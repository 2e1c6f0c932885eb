"""jax_core.random: streams equal to JAX 0.10.2's, distributions, errors, transformations.

The reference values below are from JAX 0.10.2 (``jax.random`` with its default
``jax_threefry_partitionable=True``), generated once and recorded as literals.
Kinds: ``exact`` must match bit for bit (keys, bits, uniform, integers...);
``ulp`` goes through erf_inv/log/tan..., whose implementations are not
bit-identical to XLA's (a few ulps: rtol 1e-6); ``loose`` chains several
transcendental functions (gamma family: rtol 5e-6).
"""
import warnings
from typing import Any

import numpy as np
import pytest
import scipy.stats

from jax_core import lax, make_jaxpr, random
from jax_core.config import enable_x64
from jax_core.jaxpr import eval_jaxpr

# values from JAX 0.10.2
CASES_X32 = [
    ('prngkey_0', lambda: random.PRNGKey(0),
     'exact', np.uint32, [0, 0]),
    ('prngkey_42', lambda: random.PRNGKey(42),
     'exact', np.uint32, [0, 42]),
    ('prngkey_neg', lambda: random.PRNGKey(-5),
     'exact', np.uint32, [0, 4294967291]),
    ('prngkey_big', lambda: random.PRNGKey(2**40 + 3),
     'exact', np.uint32, [0, 3]),
    ('prngkey_np_i32', lambda: random.PRNGKey(np.int32(-3)),
     'exact', np.uint32, [0, 4294967293]),
    ('key_data_key', lambda: random.key_data(random.key(7)),
     'exact', np.uint32, [0, 7]),
    ('split_2', lambda: random.split(random.PRNGKey(0)),
     'exact', np.uint32, [[1797259609, 2579123966], [928981903, 3453687069]]),
    ('split_3', lambda: random.split(random.PRNGKey(42), 3),
     'exact', np.uint32, [[1832780943, 270669613], [64467757, 2916123636], [2465931498, 255383827]]),
    ('split_shape', lambda: random.split(random.PRNGKey(1), (2, 3)),
     'exact', np.uint32, [[[507451445, 1853169794], [1948878966, 4237131848], [2441914641, 3819641963]], [[3568232559,
     2761185182], [869452973, 3597360905], [3243370355, 1313272271]]]),
    ('split_twice', lambda: random.split(random.split(random.PRNGKey(0))[1], 4),
     'exact', np.uint32, [[346279018, 360566543], [3968330031, 3923691647], [3152301319, 792466127], [2488719848,
     3371676629]]),
    ('fold_in_3', lambda: random.fold_in(random.PRNGKey(0), 3),
     'exact', np.uint32, [2467461003, 3840466878]),
    ('fold_in_np_i32', lambda: random.fold_in(random.PRNGKey(5), np.int32(-2)),
     'exact', np.uint32, [195617421, 2236853509]),
    ('fold_in_big', lambda: random.fold_in(random.PRNGKey(1), 4000000000),
     'exact', np.uint32, [3322063552, 1807358027]),
    ('bits_scalar', lambda: random.bits(random.PRNGKey(0)),
     'exact', np.uint32, 4070199207),
    ('bits_u32', lambda: random.bits(random.PRNGKey(0), (7,)),
     'exact', np.uint32, [4070199207, 4202968722, 1427181096, 2012915765, 2447653815, 710830403, 1332275837]),
    ('bits_2d', lambda: random.bits(random.PRNGKey(3), (2, 3)),
     'exact', np.uint32, [[318053758, 4029299397, 2787249374], [4190260272, 1195623854, 2503700069]]),
    ('bits_u8', lambda: random.bits(random.PRNGKey(1), (5,), np.uint8),
     'exact', np.uint8, [183, 62, 122, 241, 164]),
    ('bits_u16', lambda: random.bits(random.PRNGKey(2), (5,), np.uint16),
     'exact', np.uint16, [57961, 56164, 34281, 13769, 15389]),
    ('uniform_f32', lambda: random.uniform(random.PRNGKey(0), (5,)),
     'exact', np.float32, [0.947667, 0.9785799, 0.33229148, 0.46866846, 0.5698887]),
    ('uniform_scalar', lambda: random.uniform(random.PRNGKey(0)),
     'exact', np.float32, 0.947667),
    ('uniform_int_shape', lambda: random.uniform(random.PRNGKey(0), 3),
     'exact', np.float32, [0.947667, 0.9785799, 0.33229148]),
    ('uniform_range', lambda: random.uniform(random.PRNGKey(9), (2, 3), minval=-2.0, maxval=3.0),
     'exact', np.float32, [[-1.7961098, 2.8378105, 0.0992589], [-1.4898331, -0.8809103, 2.1254873]]),
    ('uniform_arr_range', lambda: random.uniform(random.PRNGKey(9), (2, 3), minval=np.array([0.0, 1.0, 2.0], np.float32), maxval=np.array([[1.0], [5.0]], np.float32)),
     'exact', np.float32, [[0.04077804, 1.0, 2.0], [0.5101669, 1.8952718, 4.475292]]),
    ('uniform_f16', lambda: random.uniform(random.PRNGKey(4), (6,), np.float16),
     'exact', np.float16, [0.509, 0.4424, 0.417, 0.3242, 0.8887, 0.961]),
    ('uniform_bf16', lambda: random.uniform(random.PRNGKey(4), (6,), 'bfloat16'),
     'exact', 'bfloat16', [0.4140625, 0.328125, 0.90625, 0.21875, 0.578125, 0.046875]),
    ('normal_acceptance', lambda: random.normal(random.PRNGKey(0), (3,)),
     'ulp', np.float32, [1.6226422, 2.0252647, -0.43359444]),
    ('normal_2d', lambda: random.normal(random.PRNGKey(42), (2, 4)),
     'ulp', np.float32, [[-0.028304616, 0.46713185, 0.29570296, 0.15354592], [-0.12403282, 0.21692315, -1.440879,
     0.7558599]]),
    ('normal_scalar', lambda: random.normal(random.PRNGKey(1)),
     'ulp', np.float32, -0.15443718),
    ('normal_f16', lambda: random.normal(random.PRNGKey(5), (5,), np.float16),
     'half', np.float16, [0.4512, 1.083, -1.548, -0.6406, 2.43]),
    ('normal_c64', lambda: random.normal(random.PRNGKey(6), (3,), np.complex64),
     'ulp', np.complex64, [0.3766876757144928-0.6132823824882507j, -1.1079810857772827+0.0014355781022459269j,
     -0.2949211001396179-1.437719702720642j]),
    ('randint_10', lambda: random.randint(random.PRNGKey(0), (8,), 0, 10),
     'exact', np.int32, [9, 0, 2, 3, 1, 7, 2, 3]),
    ('randint_neg', lambda: random.randint(random.PRNGKey(1), (2, 4), -5, 5),
     'exact', np.int32, [[1, 2, -5, -2], [3, -1, 3, -4]]),
    ('randint_u8', lambda: random.randint(random.PRNGKey(2), (6,), 0, 256, np.uint8),
     'exact', np.uint8, [79, 124, 73, 191, 73, 168]),
    ('randint_i8', lambda: random.randint(random.PRNGKey(3), (6,), -100, 100, np.int8),
     'exact', np.int8, [95, 39, -95, 54, 16, -28]),
    ('randint_full', lambda: random.randint(random.PRNGKey(4), (6,), -2**31, 2**31 - 1),
     'exact', np.int32, [591994710, 341517154, 867671949, 517258274, -1233871748, 270076547]),
    ('randint_arr', lambda: random.randint(random.PRNGKey(5), (2, 3), np.array([0, 10, 100]), np.array([[5], [1000]])),
     'exact', np.int32, [[1, 10, 100], [936, 834, 701]]),
    ('randint_empty_span', lambda: random.randint(random.PRNGKey(6), (4,), 5, 3),
     'exact', np.int32, [5, 5, 5, 5]),
    ('bernoulli', lambda: random.bernoulli(random.PRNGKey(0), 0.3, (10,)),
     'exact', np.bool, [False, False, False, False, False, True, False, False, False, True]),
    ('bernoulli_arr', lambda: random.bernoulli(random.PRNGKey(1), np.array([0.1, 0.5, 0.9], np.float32)),
     'exact', np.bool, [False, False, True]),
    ('bernoulli_high', lambda: random.bernoulli(random.PRNGKey(2), 0.5, (6,), mode='high'),
     'exact', np.bool, [False, False, True, False, True, True]),
    ('permutation_int', lambda: random.permutation(random.PRNGKey(0), 10),
     'exact', np.int32, [0, 1, 8, 5, 6, 4, 3, 2, 7, 9]),
    ('permutation_arr', lambda: random.permutation(random.PRNGKey(1), np.arange(12.0, dtype=np.float32).reshape(3, 4)),
     'exact', np.float32, [[8.0, 9.0, 10.0, 11.0], [0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]),
    ('permutation_axis1', lambda: random.permutation(random.PRNGKey(2), np.arange(12).reshape(3, 4), axis=1),
     'exact', np.int32, [[2, 1, 3, 0], [6, 5, 7, 4], [10, 9, 11, 8]]),
    ('permutation_indep', lambda: random.permutation(random.PRNGKey(3), np.arange(12).reshape(3, 4), axis=1, independent=True),
     'exact', np.int32, [[0, 2, 1, 3], [5, 6, 7, 4], [10, 9, 11, 8]]),
    ('permutation_big', lambda: random.permutation(random.PRNGKey(4), 3000)[:20],
     'exact', np.int32, [2860, 2443, 626, 2299, 1609, 221, 923, 1114, 2634, 263, 2211, 30, 1638, 378, 133, 787, 625,
     2042, 1149, 1862]),
    ('choice_replace', lambda: random.choice(random.PRNGKey(0), 10, (5,)),
     'exact', np.int32, [9, 0, 2, 3, 1]),
    ('choice_arr', lambda: random.choice(random.PRNGKey(1), np.array([1.5, 2.5, 3.5, 4.5], np.float32), (2, 3)),
     'exact', np.float32, [[1.5, 4.5, 1.5], [2.5, 1.5, 1.5]]),
    ('choice_noreplace', lambda: random.choice(random.PRNGKey(2), 10, (4,), replace=False),
     'exact', np.int32, [2, 9, 4, 7]),
    ('choice_p', lambda: random.choice(random.PRNGKey(3), 4, (8,), p=np.array([0.1, 0.2, 0.3, 0.4], np.float32)),
     'exact', np.int32, [3, 0, 2, 0, 3, 2, 3, 3]),
    ('choice_p_noreplace', lambda: random.choice(random.PRNGKey(4), 5, (3,), replace=False, p=np.array([0.1, 0.2, 0.3, 0.2, 0.2], np.float32)),
     'exact', np.int32, [0, 1, 3]),
    ('choice_axis', lambda: random.choice(random.PRNGKey(5), np.arange(12).reshape(3, 4), (2,), axis=1),
     'exact', np.int32, [[1, 0], [5, 4], [9, 8]]),
    ('choice_axis_noreplace', lambda: random.choice(random.PRNGKey(6), np.arange(12).reshape(3, 4), (2,), replace=False, axis=1),
     'exact', np.int32, [[2, 0], [6, 4], [10, 8]]),
    ('categorical', lambda: random.categorical(random.PRNGKey(0), np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], np.float32))),
     'exact', np.int32, [1, 0]),
    ('categorical_axis0', lambda: random.categorical(random.PRNGKey(1), np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]], np.float32), axis=0),
     'exact', np.int32, [2, 0]),
    ('categorical_shape', lambda: random.categorical(random.PRNGKey(2), np.array([0.0, 1.0, 2.0, 3.0], np.float32), shape=(3, 2)),
     'exact', np.int32, [[3, 2], [2, 3], [3, 3]]),
    ('categorical_noreplace', lambda: random.categorical(random.PRNGKey(3), np.zeros((2, 5), np.float32), shape=(3, 2), replace=False),
     'exact', np.int32, [[3, 0], [1, 2], [2, 3]]),
    ('gumbel', lambda: random.gumbel(random.PRNGKey(0), (6,)),
     'ulp', np.float32, [2.9233725, 3.8326178, -0.09689324, 0.27725708, 0.57569456, -0.58710074]),
    ('gumbel_high', lambda: random.gumbel(random.PRNGKey(1), (6,), mode='high'),
     'ulp', np.float32, [0.5492552, 0.27044538, 0.52688175, 0.54998386, -0.82266337, 0.20017436]),
    ('gumbel_highest', lambda: random.gumbel(random.PRNGKey(2), (6,), mode='highest'),
     'ulp', np.float32, [-0.023571162, -0.8366517, 1.3416684, -0.75789195, 0.6130742, 1.486999]),
    ('exponential', lambda: random.exponential(random.PRNGKey(0), (6,)),
     'ulp', np.float32, [2.950128, 3.8434246, 0.40390354, 0.6323691, 0.84371126, 0.18092616]),
    ('laplace', lambda: random.laplace(random.PRNGKey(1), (6,)),
     'ulp', np.float32, [0.13094613, -0.06989245, 0.11447223, 0.13148466, -1.5834082, -0.12544088]),
    ('logistic', lambda: random.logistic(random.PRNGKey(2), (6,)),
     'ulp', np.float32, [0.5787992, 2.203931, -1.2081187, 2.007767, -0.33003658, -1.371846]),
    ('cauchy', lambda: random.cauchy(random.PRNGKey(3), (6,)),
     'ulp', np.float32, [-4.2205963, 5.081072, 0.5054053, 13.031175, -0.83589214, 0.26661894]),
    ('truncated_normal', lambda: random.truncated_normal(random.PRNGKey(4), -1.0, 2.0, (6,)),
     'ulp', np.float32, [1.1723214, 0.8025484, -0.6028984, 0.45425478, 0.1739885, 0.36993113]),
    ('truncated_normal_arr', lambda: random.truncated_normal(random.PRNGKey(5), np.array([-3.0, 0.0, 1.0], np.float32), np.array([3.0, 0.5, 4.0], np.float32)),
     'ulp', np.float32, [-0.08414481, 0.45741653, 1.7286216]),
    ('rademacher', lambda: random.rademacher(random.PRNGKey(6), (8,)),
     'exact', np.int32, [-1, 1, 1, 1, -1, 1, 1, 1]),
    ('rademacher_f32', lambda: random.rademacher(random.PRNGKey(7), (4,), np.float32),
     'exact', np.float32, [-1.0, -1.0, 1.0, 1.0]),
    ('maxwell', lambda: random.maxwell(random.PRNGKey(8), (4,)),
     'ulp', np.float32, [3.1254315, 1.6219393, 2.4222574, 1.1203294]),
    ('double_sided_maxwell', lambda: random.double_sided_maxwell(random.PRNGKey(9), 1.0, 2.0, (4,)),
     'ulp', np.float32, [5.496546, 4.611223, -1.718009, 4.5691757]),
    ('weibull_min', lambda: random.weibull_min(random.PRNGKey(10), 2.0, 1.5, (4,)),
     'ulp', np.float32, [0.23457111, 1.18472, 1.9788516, 1.6235704]),
    ('pareto', lambda: random.pareto(random.PRNGKey(11), 3.0, (4,)),
     'ulp', np.float32, [1.0816444, 1.006328, 1.5423348, 1.1515226]),
    ('lognormal', lambda: random.lognormal(random.PRNGKey(12), 0.5, (4,)),
     'ulp', np.float32, [1.1362125, 1.0424231, 1.0578483, 0.68538105]),
    ('rayleigh', lambda: random.rayleigh(random.PRNGKey(13), 2.0, (4,)),
     'ulp', np.float32, [0.81562084, 2.854184, 0.95103943, 0.71224093]),
    ('wald', lambda: random.wald(random.PRNGKey(14), 1.5, (4,)),
     'ulp', np.float32, [0.68692195, 0.6345536, 0.5102273, 1.69558]),
    ('geometric', lambda: random.geometric(random.PRNGKey(15), 0.3, (6,)),
     'exact', np.int32, [3, 2, 1, 5, 1, 2]),
    ('triangular', lambda: random.triangular(random.PRNGKey(16), 0.0, 0.3, 1.0, (4,)),
     'ulp', np.float32, [0.80800587, 0.07087231, 0.4497246, 0.39241606]),
    ('gamma', lambda: random.gamma(random.PRNGKey(0), 2.5, (6,)),
     'loose', np.float32, [2.078842, 2.2727783, 1.5440423, 4.702054, 3.6000705, 2.520043]),
    ('gamma_small', lambda: random.gamma(random.PRNGKey(1), np.array([0.3, 1.0, 7.0], np.float32)),
     'loose', np.float32, [0.0016807743, 0.47469407, 10.202361]),
    ('loggamma', lambda: random.loggamma(random.PRNGKey(2), 0.1, (4,)),
     'loose', np.float32, [-20.84615, -10.775739, -7.225775, 0.3387376]),
    ('beta', lambda: random.beta(random.PRNGKey(3), 2.0, 3.0, (4,)),
     'loose', np.float32, [0.13563721, 0.42286143, 0.3893804, 0.19661191]),
    ('dirichlet', lambda: random.dirichlet(random.PRNGKey(4), np.array([1.0, 2.0, 3.0], np.float32), (2,)),
     'loose', np.float32, [[0.17179707, 0.5750226, 0.25318035], [0.2261406, 0.40025738, 0.373602]]),
    ('t', lambda: random.t(random.PRNGKey(5), 4.0, (4,)),
     'loose', np.float32, [0.38508412, 1.0434481, -0.4206409, 2.1931727]),
    ('chisquare', lambda: random.chisquare(random.PRNGKey(6), 3.0, (4,)),
     'loose', np.float32, [0.6693354, 2.802723, 2.0365875, 3.1556382]),
    ('f', lambda: random.f(random.PRNGKey(7), 3.0, 5.0, (4,)),
     'loose', np.float32, [0.4838432, 1.1076066, 1.6477009, 0.65449476]),
    ('generalized_normal', lambda: random.generalized_normal(random.PRNGKey(8), 1.5, (4,)),
     'loose', np.float32, [-1.3614018, -0.23523016, -0.8938047, 0.42073527]),
    ('ball', lambda: random.ball(random.PRNGKey(9), 3, 2.0, (2,)),
     'loose', np.float32, [[-0.38317752, -0.2284117, -0.82486236], [-0.061982423, 0.26027885, 0.85965073]]),
    ('poisson_small', lambda: random.poisson(random.PRNGKey(0), 3.0, (8,)),
     'exact', np.int32, [0, 0, 4, 4, 1, 2, 2, 6]),
    ('poisson_large', lambda: random.poisson(random.PRNGKey(1), 50.0, (8,)),
     'exact', np.int32, [48, 51, 44, 42, 60, 51, 39, 37]),
    ('poisson_mixed', lambda: random.poisson(random.PRNGKey(2), np.array([0.0, 0.5, 9.0, 12.0, 1000.0], np.float32)),
     'exact', np.int32, [0, 0, 6, 17, 1079]),
    ('orthogonal', lambda: random.orthogonal(random.PRNGKey(3), 3),
     'loose', np.float32, [[-0.5271795, 0.75919205, -0.38171905], [0.7183465, 0.15819141, -0.6774613], [-0.45393848,
     -0.6313502, -0.62875813]]),
    ('orthogonal_wide', lambda: random.orthogonal(random.PRNGKey(3), 2, (2,), m=3),
     'loose', np.float32, [[[-0.8998209, 0.23798478, -0.36563033], [0.28033638, 0.95758665, -0.06662874]], [[-0.77264273,
     -0.498365, 0.3932625], [0.0059823007, -0.6251543, -0.7804783]]]),
    ('mvn_cholesky', lambda: random.multivariate_normal(random.PRNGKey(3), np.array([1.0, -2.0, 0.5], np.float32), np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]], np.float32), (2,)),
     'loose', np.float32, [[-1.0453162, -0.80245125, 0.9483441], [3.7869933, -2.1562438, 0.67000246]]),
    ('mvn_eigh', lambda: random.multivariate_normal(random.PRNGKey(3), np.array([1.0, -2.0, 0.5], np.float32), np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]], np.float32), (2,), method='eigh'),
     'loose', np.float32, [[0.020577371, -0.47092664, 0.037519038], [0.88517624, -3.0364783, 1.5048774]]),
    ('mvn_svd', lambda: random.multivariate_normal(random.PRNGKey(3), np.array([1.0, -2.0, 0.5], np.float32), np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]], np.float32), (2,), method='svd'),
     'loose', np.float32, [[3.4493494, -2.8679757, 0.45069566], [-1.8977365, -2.3184168, 0.54400766]]),
    ('mvn_batched_mean', lambda: random.multivariate_normal(random.PRNGKey(4), np.zeros((2, 3), np.float32), np.eye(3, dtype=np.float32)),
     'loose', np.float32, [[1.1777242, 0.73848104, -1.0801564], [0.3344669, 0.003399681, 0.23590265]]),
    ('normal_bf16', lambda: random.normal(random.PRNGKey(7), (6,), 'bfloat16'),
     'exact', 'bfloat16', [-1.734375, -2.890625, 0.42773438, -0.87890625, 0.06347656, -0.21289062]),
    ('gamma_f16', lambda: random.gamma(random.PRNGKey(7), 0.7, (4,), np.float16),
     'half', np.float16, [0.838, 0.4426, 0.775, 1.635]),
    ('randint_u16', lambda: random.randint(random.PRNGKey(7), (6,), 0, 65536, np.uint16),
     'exact', np.uint16, [36639, 19814, 20860, 16365, 53470, 62310]),
]

CASES_X64 = [
    ('x64_prngkey_neg', lambda: random.PRNGKey(-5),
     'exact', np.uint32, [4294967295, 4294967291]),
    ('x64_prngkey_big', lambda: random.PRNGKey(2**40 + 3),
     'exact', np.uint32, [256, 3]),
    ('x64_bits_u64', lambda: random.bits(random.PRNGKey(0), (4,)),
     'exact', np.uint64, [7719171245655871230, 3989946895414531357, 17807037942121513089, 10597664315880824766]),
    ('x64_uniform_f64', lambda: random.uniform(random.PRNGKey(0), (5,)),
     'exact', np.float64, [0.41845711171638644, 0.21629545460551136, 0.9653214611189975, 0.5745005337275046,
     0.5322264882505428]),
    ('x64_uniform_f32', lambda: random.uniform(random.PRNGKey(0), (5,), np.float32),
     'exact', np.float32, [0.947667, 0.9785799, 0.33229148, 0.46866846, 0.5698887]),
    ('x64_normal_f64', lambda: random.normal(random.PRNGKey(0), (5,)),
     'ulp64', np.float64, [-0.2058421394796434, -0.7847657764467411, 1.8160866726679836, 0.1878440128937887,
     0.08086788103743275]),
    ('x64_randint_i64', lambda: random.randint(random.PRNGKey(1), (5,), 0, 10**12),
     'exact', np.int64, [286176949340, 493698938477, 695471858899, 395201211261, 961331623642]),
    ('x64_randint_i32', lambda: random.randint(random.PRNGKey(1), (5,), 0, 1000, np.int32),
     'exact', np.int32, [996, 927, 40, 353, 768]),
    ('x64_permutation', lambda: random.permutation(random.PRNGKey(2), 8),
     'exact', np.int64, [2, 4, 7, 1, 6, 3, 5, 0]),
    ('x64_exponential', lambda: random.exponential(random.PRNGKey(3), (4,)),
     'ulp64', np.float64, [2.005395114484557, 0.6036802410437376, 0.2725145904247457, 0.22845438882802446]),
    ('x64_gamma', lambda: random.gamma(random.PRNGKey(4), 1.5, (4,)),
     'loose64', np.float64, [0.5516383117991266, 2.7544102486519546, 0.3221412358638359, 0.1877217751703278]),
]


_TOLS: dict = {"exact": None, "ulp": (1e-6, 1e-7), "half": (2e-3, 1e-3), "loose": (5e-6, 1e-6),
         "ulp64": (1e-14, 1e-15), "loose64": (1e-13, 1e-14)}


def _check_case(fn, kind, dtype, values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        got = np.asarray(fn())
    want = np.array(values, dtype=np.float32 if dtype == "bfloat16" else dtype)
    assert got.shape == want.shape
    if dtype == "bfloat16":
        assert got.dtype.name == "bfloat16"
        got = got.astype(np.float32)
    else:
        assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if _TOLS[kind] is None:
        np.testing.assert_array_equal(got, want)
    else:
        rtol, atol = _TOLS[kind]
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name,fn,kind,dtype,values", CASES_X32, ids=[c[0] for c in CASES_X32])
def test_matches_jax(name, fn, kind, dtype, values):
    if name.startswith(("orthogonal", "mvn")) and not hasattr(lax, "linalg"):
        pytest.skip("needs lax.linalg")
    _check_case(fn, kind, dtype, values)


@pytest.mark.parametrize("name,fn,kind,dtype,values", CASES_X64, ids=[c[0] for c in CASES_X64])
def test_matches_jax_x64(name, fn, kind, dtype, values):
    with enable_x64(True):
        _check_case(fn, kind, dtype, values)


def test_acceptance_normal():
    got = random.normal(random.PRNGKey(0), (3,))
    assert got.dtype == np.float32 and got.shape == (3,)
    np.testing.assert_allclose(np.asarray(got), [1.6226422, 2.0252647, -0.43359444], rtol=1e-6)


def test_key_is_prngkey():
    np.testing.assert_array_equal(random.key(3), random.PRNGKey(3))
    k = random.PRNGKey(3)
    np.testing.assert_array_equal(random.key_data(k), k)
    np.testing.assert_array_equal(random.wrap_key_data(k), k)
    assert random.key_impl(k) == "threefry2x32"
    assert random.split(k, 0).shape == (0, 2)
    assert random.uniform(k, (0, 3)).shape == (0, 3)


def test_split_rows_are_keys():
    k = random.PRNGKey(0)
    k1, k2 = random.split(k)
    np.testing.assert_array_equal(random.split(k)[1], k2)
    # a key taken apart by indexing works like any other
    assert not np.array_equal(np.asarray(random.uniform(k1, (4,))), np.asarray(random.uniform(k2, (4,))))


def test_threefry_2x32_known_answer():
    # Known-answer vectors of the Random123 reference implementation (Threefry-2x32, 20 rounds)
    def tf(k, x):
        out = random.threefry_2x32(np.array(k, np.uint32), np.array(x, np.uint32))
        return [hex(int(v)) for v in np.asarray(out)]

    assert tf([0x0, 0x0], [0x0, 0x0]) == ["0x6b200159", "0x99ba4efe"]
    assert tf([0xFFFFFFFF, 0xFFFFFFFF], [0xFFFFFFFF, 0xFFFFFFFF]) == ["0x1cb996fc", "0xbb002be7"]
    assert tf([0x13198A2E, 0x03707344], [0x243F6A88, 0x85A308D3]) == ["0xc4923a9c", "0x483df7a0"]


def test_bits_dtypes():
    k = random.PRNGKey(1)
    for dt in (np.uint8, np.uint16, np.uint32):
        assert random.bits(k, (3,), dt).dtype == dt
    assert random.bits(k).dtype == np.uint32
    with enable_x64(True):
        assert random.bits(k).dtype == np.uint64
        assert random.uniform(k).dtype == np.float64
        assert random.randint(k, (2,), 0, 3).dtype == np.int64
        assert random.PRNGKey(1).dtype == np.uint32


def test_float16_bfloat16_uniform_in_range():
    k = random.PRNGKey(2)
    for dt in (np.float16, "bfloat16"):
        u = np.asarray(random.uniform(k, (1000,), dt)).astype(np.float32)
        assert u.min() >= 0 and u.max() < 1


# ---------------------------------------------------------------------------
# transformations: staged (make_jaxpr / eval_jaxpr) equals eager, vmap equals a loop

_STAGED = {
    "bits": lambda k: random.bits(k, (5,)),
    "split": lambda k: random.split(k, 3),
    "fold_in": lambda k: random.fold_in(k, 7),
    "uniform": lambda k: random.uniform(k, (2, 3), minval=-1.0, maxval=2.0),
    "normal": lambda k: random.normal(k, (4,)),
    "randint": lambda k: random.randint(k, (5,), 0, 10),
    "permutation": lambda k: random.permutation(k, 10),
    "choice": lambda k: random.choice(k, 5, (3,), replace=False),
    "choice_p": lambda k: random.choice(k, 4, (5,), p=np.array([0.1, 0.2, 0.3, 0.4], np.float32)),
    "categorical": lambda k: random.categorical(k, np.zeros((2, 5), np.float32)),
    "gamma": lambda k: random.gamma(k, np.array([0.3, 1.0, 5.0], np.float32)),
    "beta": lambda k: random.beta(k, 2.0, 3.0, (3,)),
    "dirichlet": lambda k: random.dirichlet(k, np.array([1.0, 2.0, 3.0], np.float32)),
    "poisson": lambda k: random.poisson(k, np.array([0.0, 3.0, 50.0], np.float32)),
    "gumbel_highest": lambda k: random.gumbel(k, (4,), mode="highest"),
    "truncated_normal": lambda k: random.truncated_normal(k, -1.0, 1.0, (3,)),
}


@pytest.mark.parametrize("name", list(_STAGED))
def test_staged_matches_eager(name):
    fn = _STAGED[name]
    k = random.PRNGKey(3)
    closed = make_jaxpr(fn)(k)
    got = eval_jaxpr(closed.jaxpr, closed.consts, k)[0]
    want = fn(k)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert np.asarray(got).dtype == np.asarray(want).dtype


def test_staged_prngkey_from_traced_seed():
    closed = make_jaxpr(random.PRNGKey)(np.int32(-7))
    np.testing.assert_array_equal(eval_jaxpr(closed.jaxpr, closed.consts, np.int32(-7))[0],
                                  random.PRNGKey(-7))


def test_rejection_samplers_stage_a_while_loop():
    closed = make_jaxpr(lambda k: random.gamma(k, 2.0, (3,)))(random.PRNGKey(0))
    assert "while" in {e.primitive.name for e in closed.jaxpr.eqns}


_VMAPPED = {
    "normal": lambda k: random.normal(k, (3,)),
    "split": lambda k: random.split(k),
    "fold_in": lambda k: random.fold_in(k, 3),
    "randint": lambda k: random.randint(k, (3,), 0, 7),
    "permutation": lambda k: random.permutation(k, 6),
    "gamma": lambda k: random.gamma(k, 2.0, (3,)),
    "poisson": lambda k: random.poisson(k, 4.0, (3,)),
}


@pytest.mark.parametrize("name", list(_VMAPPED))
def test_vmap_over_keys_matches_loop(name):
    jax_batching = pytest.importorskip("jax_batching")
    fn = _VMAPPED[name]
    keys = random.split(random.PRNGKey(0), 4)
    got = np.asarray(jax_batching.vmap(fn)(keys))
    want = np.stack([np.asarray(fn(k)) for k in keys])
    np.testing.assert_allclose(got, want, rtol=1e-6)


# ---------------------------------------------------------------------------
# distributions (the rejection samplers above all: moments and KS statistics)

N = 20000


def _ks_ok(x, cdf, *args):
    res = scipy.stats.kstest(x, cdf, args=args)
    assert res.pvalue > 1e-3, (res.statistic, res.pvalue)


@pytest.mark.parametrize("alpha", [0.2, 1.0, 3.5, 60.0])
def test_gamma_distribution(alpha):
    x = np.asarray(random.gamma(random.PRNGKey(11), alpha, (N,))).astype(np.float64)
    assert np.all(x >= 0)
    assert abs(x.mean() - alpha) < 5 * np.sqrt(alpha / N)
    # the relative standard error of the sample variance is sqrt((2 + 6 / alpha) / N)
    assert abs(x.var() / alpha - 1) < 5 * np.sqrt((2 + 6 / alpha) / N)
    _ks_ok(x, "gamma", alpha)


def test_loggamma_small_alpha():
    lx = np.asarray(random.loggamma(random.PRNGKey(12), 0.01, (N,))).astype(np.float64)
    assert np.isfinite(lx).all()
    # log Gamma(a) for tiny a: P(log X <= t) = gammainc(a, e^t); compare in log space
    _ks_ok(lx, lambda t: scipy.special.gammainc(0.01, np.exp(t)))


def test_loggamma_matches_gamma():
    k = random.PRNGKey(4)
    a = np.array([0.5, 1.0, 2.0, 9.0], np.float32)
    np.testing.assert_allclose(np.exp(np.asarray(random.loggamma(k, a, (50, 4)))),
                               np.asarray(random.gamma(k, a, (50, 4))), rtol=2e-5)


@pytest.mark.parametrize("a,b", [(0.5, 0.5), (2.0, 5.0)])
def test_beta_distribution(a, b):
    x = np.asarray(random.beta(random.PRNGKey(13), a, b, (N,))).astype(np.float64)
    assert np.all((x >= 0) & (x <= 1))
    assert abs(x.mean() - a / (a + b)) < 0.01
    _ks_ok(x, "beta", a, b)


def test_dirichlet_distribution():
    alpha = np.array([0.5, 2.0, 4.0], np.float32)
    x = np.asarray(random.dirichlet(random.PRNGKey(14), alpha, (N // 2,))).astype(np.float64)
    assert x.shape == (N // 2, 3)
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-5)
    s = alpha.sum()
    np.testing.assert_allclose(x.mean(0), alpha / s, atol=0.01)
    for i in range(3):
        _ks_ok(x[:, i], "beta", alpha[i], s - alpha[i])


@pytest.mark.parametrize("lam", [0.5, 4.0, 9.9, 10.0, 37.5, 1000.0])
def test_poisson_distribution(lam):
    x = np.asarray(random.poisson(random.PRNGKey(15), lam, (N,)))
    assert x.dtype == np.int32 and x.min() >= 0
    assert abs(x.mean() - lam) < 5 * np.sqrt(lam / N)
    assert abs(x.var() / lam - 1) < 5 * np.sqrt((2 + 1 / lam) / N)
    # discrete KS: the largest gap between the empirical and the true CDF
    ks = np.arange(x.min(), x.max() + 1)
    ecdf = np.searchsorted(np.sort(x), ks, side="right") / N
    assert np.max(np.abs(ecdf - scipy.stats.poisson.cdf(ks, lam))) < 1.63 / np.sqrt(N)


def test_t_and_chisquare_distributions():
    k1, k2 = random.split(random.PRNGKey(16))
    _ks_ok(np.asarray(random.t(k1, 5.0, (N,))).astype(np.float64), "t", 5.0)
    _ks_ok(np.asarray(random.chisquare(k2, 3.0, (N,))).astype(np.float64), "chi2", 3.0)


@pytest.mark.parametrize("name,sample,cdf,args", [
    ("uniform", lambda k: random.uniform(k, (N,)), "uniform", ()),
    ("normal", lambda k: random.normal(k, (N,)), "norm", ()),
    ("exponential", lambda k: random.exponential(k, (N,)), "expon", ()),
    ("laplace", lambda k: random.laplace(k, (N,)), "laplace", ()),
    ("logistic", lambda k: random.logistic(k, (N,)), "logistic", ()),
    ("cauchy", lambda k: random.cauchy(k, (N,)), "cauchy", ()),
    ("gumbel", lambda k: random.gumbel(k, (N,)), "gumbel_r", ()),
    ("truncated_normal", lambda k: random.truncated_normal(k, -0.5, 2.0, (N,)), "truncnorm", (-0.5, 2.0)),
    ("maxwell", lambda k: random.maxwell(k, (N,)), "maxwell", ()),
    ("pareto", lambda k: random.pareto(k, 3.0, (N,)), "pareto", (3.0,)),
    ("weibull_min", lambda k: random.weibull_min(k, 1.0, 1.5, (N,)), "weibull_min", (1.5,)),
    ("generalized_normal", lambda k: random.generalized_normal(k, 1.5, (N,)), "gennorm", (1.5,)),
])
def test_continuous_distributions(name, sample, cdf, args):
    x = np.asarray(sample(random.PRNGKey(17))).astype(np.float64)
    _ks_ok(x, cdf, *args)


def test_discrete_distributions():
    k = random.PRNGKey(18)
    b = np.asarray(random.bernoulli(k, 0.3, (N,)))
    assert b.dtype == np.bool_ and abs(b.mean() - 0.3) < 0.015
    r = np.asarray(random.rademacher(k, (N,)))
    assert set(np.unique(r)) == {-1, 1} and abs(r.mean()) < 0.03
    i = np.asarray(random.randint(k, (N,), -3, 4))
    assert i.min() == -3 and i.max() == 3
    np.testing.assert_allclose(np.bincount(i + 3) / N, 1 / 7, atol=0.015)
    c = np.asarray(random.categorical(k, np.log(np.array([0.2, 0.3, 0.5], np.float32)), shape=(N,)))
    np.testing.assert_allclose(np.bincount(c) / N, [0.2, 0.3, 0.5], atol=0.015)
    p = np.array([0.1, 0.6, 0.3], np.float32)
    ch = np.asarray(random.choice(k, 3, (N,), p=p))
    np.testing.assert_allclose(np.bincount(ch) / N, p, atol=0.015)


def test_permutation_properties():
    k = random.PRNGKey(19)
    p = np.asarray(random.permutation(k, 5000))
    np.testing.assert_array_equal(np.sort(p), np.arange(5000))
    x = np.arange(24).reshape(4, 6)
    rows = np.asarray(random.permutation(k, x, axis=1, independent=True))
    np.testing.assert_array_equal(np.sort(rows, axis=1), x)
    cols = np.asarray(random.permutation(k, x, axis=1))
    assert len({tuple(np.argsort(r)) for r in cols}) == 1   # one permutation for all rows
    ch = np.asarray(random.choice(k, 20, (20,), replace=False))
    np.testing.assert_array_equal(np.sort(ch), np.arange(20))
    with pytest.warns(FutureWarning):
        sh = random.shuffle(k, x, axis=1)
    np.testing.assert_array_equal(sh, rows)


def test_ball_is_inside():
    x = np.asarray(random.ball(random.PRNGKey(20), 3, 2.0, (1000,)))
    assert x.shape == (1000, 3) and np.all(np.linalg.norm(x, axis=-1) <= 1)


def test_orthogonal():
    if not hasattr(lax, "linalg"):
        pytest.skip("orthogonal needs lax.linalg.qr")
    q = np.asarray(random.orthogonal(random.PRNGKey(21), 4, (2,)))
    np.testing.assert_allclose(q @ np.swapaxes(q, -1, -2), np.broadcast_to(np.eye(4), (2, 4, 4)), atol=1e-5)


def test_edge_parameters():
    k = random.PRNGKey(0)
    g = np.asarray(random.gamma(k, np.array([0.0, np.nan, -1.0, np.inf], np.float32)))
    assert g[0] == 0 and np.isnan(g[1]) and np.isnan(g[2]) and g[3] == np.inf
    np.testing.assert_array_equal(random.poisson(k, np.array([np.nan, 0.0, -1.0], np.float32)), [-1, 0, -1])
    np.testing.assert_array_equal(random.randint(k, (4,), 5, 3), [5, 5, 5, 5])


# ---------------------------------------------------------------------------
# argument validation (JAX's messages)

_K = np.array([0, 0], np.uint32)
_FIVE: Any = 5  # not a sequence: choice must reject it


@pytest.mark.parametrize("fn,exc,match", [
    (lambda: random.uniform(_K, (2,), dtype=np.int32), ValueError,
     "dtype argument to `uniform` must be a float dtype, got int32"),
    (lambda: random.normal(_K, (2,), dtype=np.int32), ValueError,
     "dtype argument to `normal` must be a float or complex dtype, got int32"),
    (lambda: random.gamma(_K, 1.0, dtype=np.int32), ValueError, "dtype argument to `gamma` must be a float"),
    (lambda: random.uniform(np.zeros(3, np.uint32)), TypeError, r"expected key_data.shape to end with \(2,\)"),
    (lambda: random.uniform(np.zeros(2, np.int32)), TypeError, "expected key_data.dtype = uint32"),
    (lambda: random.uniform([0, 0]), TypeError, "unexpected PRNG key type"),
    (lambda: random.uniform(random.split(_K)), ValueError,
     r"uniform accepts a single key, but was given a key array of shape \(2, 2\)"),
    (lambda: random.split(random.split(_K)), ValueError, "split accepts a single key"),
    (lambda: random.randint(_K, (2,), 0, 10, dtype=np.float32), TypeError,
     "randint only accepts integer dtypes, got float32"),
    (lambda: random.bits(_K, (2,), dtype=np.int32), ValueError,
     "dtype argument to `bits` must be an unsigned int dtype, got int32"),
    (lambda: random.fold_in(_K, np.arange(3)), TypeError, "fold_in accepts a scalar"),
    (lambda: random.fold_in(_K, -1), OverflowError, "out of bounds for uint32"),
    (lambda: random.PRNGKey(np.arange(2)), TypeError, "PRNGKey accepts a scalar seed"),
    (lambda: random.PRNGKey(1.5), TypeError, "PRNG key seed must be an integer"),
    (lambda: random.bernoulli(_K, 1), TypeError, "bernoulli probability `p` must have a floating dtype"),
    (lambda: random.bernoulli(_K, 0.5, mode="foo"), ValueError, "expected 'high' or 'low'"),
    (lambda: random.gumbel(_K, (2,), mode="foo"), ValueError, "Must provide valid mode for gumbel"),
    (lambda: random.choice(_K, 3, (5,), replace=False), ValueError,
     r"Cannot take a larger sample \(size 5\) than population \(size 3\)"),
    (lambda: random.choice(_K, 3, _FIVE), TypeError, "shape argument of jax.random.choice must be a sequence"),
    (lambda: random.choice(_K, 0, (5,)), ValueError, "a must be greater than 0"),
    (lambda: random.choice(_K, 3, (2,), p=np.ones(2)), ValueError, "p must be None or a 1D vector"),
    (lambda: random.permutation(_K, 3.0), TypeError, "x must be an integer or at least 1-dimensional"),
    (lambda: random.categorical(_K, np.zeros((3, 4)), shape=(5,)), ValueError, "Incompatible shapes"),
    (lambda: random.categorical(_K, np.zeros((2, 3), np.float32), shape=(4, 2), replace=False), ValueError,
     r"Number of samples without replacement \(4\) cannot exceed number of categories \(3\)"),
    (lambda: random.dirichlet(_K, 1.0), ValueError, "dirichlet requires alpha.ndim >= 1"),
    (lambda: random.poisson(_K, 3.0, (2,), dtype=np.float32), ValueError, "must be an int dtype"),
    (lambda: random.truncated_normal(_K, -1.0, 1.0, (2,), dtype=np.int32), ValueError,
     "dtype argument to `truncated_normal` must be a float dtype"),
    (lambda: random.uniform(_K, (2, 3), minval=np.zeros(4, np.float32)), ValueError, "broadcast"),
    (lambda: random.gamma(_K, np.ones(3, np.float32), (2,)), ValueError, "broadcast"),
    (lambda: random.uniform(_K, (2.5,)), TypeError, "Shapes must be 1D sequences of concrete values of integer"),
    (lambda: random.PRNGKey(0, impl="rbg"), ValueError, "unrecognized PRNG implementation"),
])
def test_errors(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn()


@pytest.mark.parametrize("fn,x,want", [
    # values from JAX 0.10.2
    (lambda mu: lax.reduce_sum(random.normal(random.PRNGKey(0), (3,)) * mu, (0,)), 2.0, 3.2143123),
    (lambda lo: lax.reduce_sum(random.uniform(random.PRNGKey(0), (3,), minval=lo, maxval=5.0), (0,)), 1.0,
     0.74146175),
    (lambda s: lax.reduce_sum(random.truncated_normal(random.PRNGKey(0), -s, s, (3,)), (0,)), 1.0, 1.4791863),
])
def test_grad_through_samplers(fn, x, want):
    jax_ad = pytest.importorskip("jax_ad")
    np.testing.assert_allclose(float(jax_ad.grad(fn)(x)), want, rtol=1e-6)

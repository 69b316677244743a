//go:build ignore

// The inputs of jilin.geojson besides the Natural Earth geometry, read by
// gen_jilin.go: which reference features to take and where to clip them,
// the lakes, and the project's own points of interest, each with a comment
// or a source string naming where it came from.

package main

const (
	maxSegKm  = 2.5 // densify: no segment longer than this
	simplifyM = 50  // Douglas–Peucker tolerance, metres
)

type pt = [2]float64 // lon, lat

// river is one river feature: the reference (Natural Earth) line with the
// same id, clipped where endLon says (0: not clipped), with our names.
type river struct {
	id, zh, en, name string
	endLon           float64 // cut where the line, run downstream, first crosses this meridian
	clip             string  // why it is cut there, for the feature's source
}

func rivers() []river {
	return []river{
		// The Songhua main stem is the Jilin–Heilongjiang boundary only from
		// the Nen confluence to the Lalin River mouth; below it both banks
		// are Heilongjiang (Shuangcheng, Harbin). ru.wikipedia "Лалиньхэ"
		// gives the mouth as 45°30′N 125°45′E, to the quarter degree
		// (±15 km); the Natural Earth line passes 1.8 km from it.
		{"river-songhua", "松花江", "Songhua River (main stem, Jilin reach)", "Songhua", 125.75,
			"clipped at 125.75E, the Lalin River mouth (ru.wikipedia 45°30′N 125°45′E, ±15 km)"},
		{"river-second-songhua", "第二松花江", "Second Songhua River (through Songhua Lake)", "Second Songhua", 0, ""},
		{"river-nen", "嫩江", "Nen River (lower reach)", "Nen", 0, ""},
		// Below the Hun River mouth (Lüjiang village, about 125.68E, as
		// ../shared/geo/SOURCES.md quotes newton.com.tw "綠江") the Chinese
		// bank is Liaoning.
		{"river-yalu", "鸭绿江", "Yalu River (Jilin reach)", "Yalu", 125.68,
			"clipped at 125.68E, the Hun River mouth, where the Chinese bank becomes Liaoning"},
		{"river-tumen", "图们江", "Tumen River", "Tumen", 0, ""},
	}
}

// lake is one lake feature: the reference (Natural Earth) polygon with the
// same id, with our names. river and body are what points on it give as
// their `river` and `water_body`; through, if set, is the river line that
// runs through the lake, which points on the lake are snapped to.
type lake struct {
	id, zh, en, river, body, through string
}

func lakes() []lake {
	return []lake{
		// Natural Earth draws only the lower lake (about 43.51–43.76N); the
		// reservoir above is the Second Songhua line alone.
		{"lake-songhua-lake", "松花湖", "Songhua Lake (Fengman Reservoir)", "Second Songhua", "Songhua Lake", "river-second-songhua"},
		{"lake-chagan-lake", "查干湖", "Chagan Lake", "Chagan Lake", "Chagan Lake", ""},
		// Yueliang Pao (Moon Lake), Zhenlai and Da'an, by the lower Nen.
		{"lake-yueliang-pao", "月亮泡", "Yueliang Pao (Moon Lake)", "Yueliang Pao", "Yueliang Pao", ""},
	}
}

type point struct {
	kind, id, zh, en string
	water            string // river id (snapped onto it), or lake id (snapped onto the river through it, else placed as is and must be inside)
	src              pt
	source           string
	nominal          bool
}

func points() []point {
	const (
		ss   = "river-second-songhua"
		lake = "lake-songhua-lake"
	)
	return []point{
		// Rescue stations named in Jilin's water search-and-rescue plan. The
		// sites are not published: each is its town placed on the water the
		// station serves (see README.md).
		{"rescue_station", "rs-yushu", "榆树水上救助站", "Yushu water rescue station", ss, pt{126.533, 44.827}, "Yushu city centre (GeoNames 2033242) placed on the Second Songhua west of the city", false},
		{"rescue_station", "rs-jiutai", "九台水上救助站", "Jiutai water rescue station", ss, pt{125.833, 44.153}, "Jiutai district centre (GeoNames 2036401) placed on the Second Songhua, Jiutai's eastern boundary", false},
		{"rescue_station", "rs-songhua-lake", "松花湖水上救助站", "Songhua Lake water rescue station", lake, pt{126.735, 43.690}, "lower Songhua Lake 5 km above Fengman Dam, the part nearest Jilin City", true},
		{"rescue_station", "rs-huadian", "桦甸水上救助站", "Huadian water rescue station", ss, pt{126.748, 42.963}, "Huadian city centre (GeoNames 2036776) placed on the Second Songhua (upper Songhua Lake / Hongshi reach, in Huadian)", false},
		{"rescue_station", "rs-sandaogou", "三道沟水上救助站", "Sandaogou water rescue station", "river-yalu", pt{126.511, 41.647}, "Sandaogou township seat (GeoNames 2052430, 41.6472N 126.5115E) placed on the nearest Yalu; the station's site on the river is not published", true},
		{"rescue_station", "rs-daan", "大安水上救助站", "Da'an water rescue station", "river-nen", pt{124.29, 45.50}, "Da'an city centre (GeoNames 2037930) placed on the Nen", false},
		{"rescue_station", "rs-wangqing", "汪清水上救助站", "Wangqing water rescue station", "river-tumen", pt{129.763, 43.312}, "Wangqing (GeoNames 2034221) is inland on the Gaya River, which joins the Tumen at Tumen City; placed on the Tumen nearest Wangqing", true},
		{"rescue_station", "rs-chagan-lake", "查干湖水上救助站", "Chagan Lake water rescue station", "lake-chagan-lake", pt{124.28, 45.22}, "inside Chagan Lake, southern basin; site not published", true},

		{"quay", "q-jilin", "吉林市码头", "Jilin City quay", ss, pt{126.560, 43.851}, "Jilin City centre (GeoNames 2036502)", false},
		{"quay", "q-wulajie", "乌拉街码头", "Wulajie landing", ss, pt{126.48, 44.07}, "Wulajie town, Longtan District, Jilin City; ±3 km", true},
		{"quay", "q-songhua-lake", "松花湖码头（丰满）", "Songhua Lake quay (Fengman)", lake, pt{126.705, 43.712}, "Fengman side of Songhua Lake just above the dam (en.wikipedia Fengman Dam 43.71944, 126.68861)", false},
		{"quay", "q-songyuan", "松原码头", "Songyuan quay", ss, pt{124.817, 45.183}, "Songyuan, Ningjiang District (GeoNames 2037335 'Fuyu', historic Bodune)", false},
		{"quay", "q-daan", "大安港", "Da'an river port", "river-nen", pt{124.29, 45.50}, "Da'an city centre (GeoNames 2037930)", false},
		{"quay", "q-fuyu", "扶余码头", "Fuyu landing (Songhua main stem)", "river-songhua", pt{125.08, 45.52}, "opposite Zhaoyuan (45.52N 125.08E) on Fuyu City's Songhua frontage; nominal", true},
		{"quay", "q-jian", "集安码头", "Ji'an quay", "river-yalu", pt{126.194, 41.1253}, "Ji'an city centre (en.wikipedia 41.1253, 126.1940)", false},
		{"quay", "q-linjiang", "临江码头", "Linjiang quay", "river-yalu", pt{126.908, 41.807}, "Linjiang city centre (GeoNames 2036069)", false},
		{"quay", "q-changbai", "长白码头", "Changbai quay", "river-yalu", pt{128.200, 41.417}, "Changbai county seat (en.wikipedia)", false},
		{"quay", "q-tumen", "图们码头", "Tumen City quay", "river-tumen", pt{129.8425, 42.966}, "Tumen city centre (GeoNames 2034340)", false},
		{"quay", "q-hunchun", "珲春码头", "Hunchun quay", "river-tumen", pt{130.358, 42.8675}, "Hunchun (GeoNames 2036653), on the Hunchun River a few km off the Tumen; nominal", true},
		{"quay", "q-fangchuan", "防川码头", "Fangchuan landing", "river-tumen", pt{130.588, 42.437}, "Fangchuan village 42°26′13″N 130°35′18″E", false},

		{"bridge", "b-jian-rail", "集安鸭绿江国境铁路大桥", "Ji'an Yalu River Border Railway Bridge", "river-yalu", pt{126.2722, 41.1558}, "en.wikipedia 41°9′21″N 126°16′20″E", false},
		{"bridge", "b-linjiang", "临江鸭绿江大桥", "Linjiang Yalu River Bridge", "river-yalu", pt{126.8964, 41.7925}, "en.wikipedia 41°47′33″N 126°53′47″E", false},
		{"bridge", "b-changbai", "长白—惠山国际大桥", "Changbai–Hyesan International Bridge", "river-yalu", pt{128.175, 41.4069}, "en.wikipedia 41°24′25″N 128°10′30″E", false},
		{"bridge", "b-tumen-rail", "图们国境铁路大桥", "Tumen Border Railway Bridge", "river-tumen", pt{129.8494, 42.9489}, "de.wikipedia Tumen-Eisenbahnbrücke 42°56′56″N 129°50′58″E", false},
		{"bridge", "b-quanhe", "圈河—元汀大桥", "Quanhe–Wonjong Bridge", "river-tumen", pt{130.5225, 42.5678}, "en.wikipedia Tumen River Bridge 42°34′04″N 130°31′21″E", false},
		{"bridge", "b-songyuan", "松原松花江大桥", "Songyuan Songhua River bridge", ss, pt{124.85, 45.15}, "Songyuan city reach; nominal, a bridge exists in the city but its exact site is not verified", true},
		{"bridge", "b-jilin", "吉林市松花江大桥", "Jilin City Songhua River bridge", ss, pt{126.55, 43.86}, "Jilin City centre reach; nominal, one of the city bridges, site not verified", true},
	}
}

// crossing is a ferry: on a river, drawn across it at the point nearest src
// with the given width; on a lake, from a to b, both ends and the run
// between on the lake's water.
type crossing struct {
	id, zh, en, water string
	src               pt
	widthM            float64
	a, b              pt // lake crossings only
	source            string
}

func crossings() []crossing {
	return []crossing{
		{"f-jilin", "吉林市渡口", "Jilin City ferry (nominal)", "river-second-songhua", pt{126.545, 43.875}, 350, pt{}, pt{}, "Jilin City, north of the centre; nominal, not verified"},
		{"f-songyuan", "松原渡口", "Songyuan Ningjiang–Qianguo ferry (nominal)", "river-second-songhua", pt{124.837, 45.150}, 500, pt{}, pt{}, "midway between Ningjiang (45.183, 124.817) and Qianguo (45.117, 124.857); nominal"},
		{"f-daan", "大安渡口", "Da'an Nen River ferry (nominal)", "river-nen", pt{124.33, 45.50}, 600, pt{}, pt{}, "Da'an city reach of the Nen; nominal"},
		{"f-songhua-lake", "松花湖渡口", "Songhua Lake ferry (nominal)", "lake-songhua-lake", pt{}, 0, pt{126.895, 43.660}, pt{126.930, 43.605}, "across the lower basin of Songhua Lake; nominal (south end moved 0.5 km from 126.935E 43.610N to keep the run on the water of the Natural Earth outline)"},
		{"f-chagan-lake", "查干湖渡口", "Chagan Lake ferry (nominal)", "lake-chagan-lake", pt{}, 0, pt{124.31, 45.19}, pt{124.335, 45.265}, "across the eastern part of Chagan Lake; nominal (north end moved 2.2 km from 124.35E 45.28N, which is ashore on the Natural Earth outline)"},
	}
}

//go:build ignore

// The control points of jilin.geojson, read by gen_jilin.go. Each comment
// says which public fact a point is, or that it is the course between such
// facts as the project knows it, with its uncertainty.

package main

const maxSegKm = 2.5

type pt = [2]float64 // lon, lat

// J is the Nen–Second Songhua confluence where the Songhua main stem begins:
// en.wikipedia "Second Songhua River" coordinate 45°21′28″N 124°42′08″E.
var J = pt{124.70222, 45.35778}

// songhuaLake is the Second Songhua's course through Songhua Lake, upstream
// end first, with the lake's half-width in km at each point. Its polygon is
// the buffer of this line. The published facts are few: the lake is the
// Fengman reservoir, long and narrow (about 200 km along its winding arms,
// at most about 10 km wide, 0.5 km at the dam), narrowing as one goes up
// it (松花湖越往上走，湖越窄), lying south-east to north-west. So the lower
// lake runs from the dam east-south-east towards the Jiaohe side and opens
// to its widest (10 km) there, then the lake turns south along ~127.0E
// towards Hongshi, narrowing. No shore place with a published coordinate
// was found: course ±5 km, widths ±50%, side arms not drawn.
var songhuaLake = []struct {
	p  pt
	hw float64
}{
	{pt{127.030, 43.200}, 0.6},
	{pt{127.010, 43.260}, 1.2},
	{pt{126.995, 43.340}, 2.0},
	{pt{127.000, 43.420}, 2.5},
	{pt{127.000, 43.500}, 3.0},
	{pt{126.970, 43.570}, 4.0},
	{pt{126.920, 43.630}, 5.0},
	{pt{126.840, 43.670}, 4.0},
	{pt{126.760, 43.700}, 2.0},
	{pt{126.700, 43.716}, 0.5}, // just above the dam
}

type river struct {
	id, zh, en, name string
	pts              []pt
}

func rivers() []river {
	var lake []pt
	for _, c := range songhuaLake {
		lake = append(lake, c.p)
	}
	second := []pt{
		{127.40, 42.58}, // head of Baishan reservoir near the Toudao/Erdao Songhua confluence; ±10 km
		{127.33, 42.64},
		{127.26, 42.70},
		{127.22, 42.76}, // Baishan dam area; ±5 km
		{127.18, 42.84},
		{127.15, 42.90},
		{127.13194, 42.94972}, // Hongshi Dam, en.wikipedia 42°56′59″N 127°07′55″E
		{127.09, 43.04},
		{127.06, 43.12},
	}
	second = append(second, lake...)
	second = append(second, []pt{
		{126.68861, 43.71944}, // Fengman Dam, en.wikipedia
		{126.62, 43.78},
		{126.58, 43.82},
		{126.55, 43.85}, // Jilin City centre (GeoNames 43.85083, 126.56028)
		{126.54, 43.88},
		{126.53, 43.93},
		{126.51, 43.99},
		{126.48, 44.06}, // Wulajie town on the east bank, 44.07N 126.48E; ±3 km
		{126.45, 44.14},
		{126.41, 44.22},
		{126.37, 44.31},
		{126.33, 44.40},
		{126.29, 44.50},
		{126.25, 44.60},
		{126.18, 44.68},
		{126.08, 44.73},
		{125.96, 44.745}, // Songhuajiang town (Dehui), south bank, en.wikipedia 44°42′57″N 125°57′16″E
		{125.85, 44.78},
		{125.70, 44.84},
		{125.55, 44.90},
		{125.40, 44.96},
		{125.25, 45.02},
		{125.10, 45.08},
		{124.98, 45.12},
		{124.90, 45.14},
		{124.84, 45.155}, // Songyuan: between Ningjiang (45.183, 124.817) and Qianguo (45.117, 124.857)
		{124.79, 45.20},
		{124.75, 45.26},
		{124.72, 45.31},
		J,
	}...)
	return []river{
		{"river-songhua", "松花江", "Songhua River (main stem, Jilin reach)", "Songhua", []pt{
			J,
			{124.80, 45.40},
			{124.92, 45.44},
			{125.05, 45.47}, // south of Zhaoyuan (Heilongjiang, 45.52N 125.08E) on the north bank
			// From Zhaoyuan the reach runs east-north-east towards Harbin
			// (45.75N 126.63E); the points follow that bearing. ±15 km.
			{125.25, 45.51},
			{125.45, 45.55},
			{125.65, 45.58},
			{125.85, 45.61},
			{126.00, 45.64},
			{126.15, 45.67}, // Lalin River mouth, end of the Jilin–Heilongjiang boundary reach; ±15 km
		}},
		{"river-second-songhua", "第二松花江", "Second Songhua River (through Songhua Lake)", "Second Songhua", second},
		{"river-nen", "嫩江", "Nen River (lower reach)", "Nen", []pt{
			{123.88, 46.45}, // Nen along Zhenlai county; course as known ±10 km
			{123.90, 46.30},
			{123.92, 46.15},
			{123.95, 46.00},
			{124.00, 45.87},
			{124.05, 45.76}, // Yueliang Pao outlet / Tao'er mouth area
			{124.14, 45.64},
			{124.25, 45.54},
			{124.30, 45.51}, // Da'an (GeoNames 45.5, 124.3)
			{124.42, 45.46},
			{124.55, 45.41},
			J,
		}},
		{"river-yalu", "鸭绿江", "Yalu River (Jilin reach)", "Yalu", []pt{
			{128.06, 41.98}, // source below Changbai Mountain's south-east slope; ±5 km
			{128.10, 41.85},
			{128.14, 41.72},
			{128.17, 41.60},
			{128.20, 41.48},
			{128.19, 41.407}, // between Changbai (GeoNames 2038185, 41.4177N 128.1962E) and Hyesan-dong (GeoNames 2043835, 41.3954N 128.1875E)
			// Changbai to Linjiang: the riverside towns of Changbai county
			// and Linjiang city, each at the mouth of its side valley on the
			// north bank (GeoNames township seats); the course between them
			// is straight, ±3 km.
			{128.028, 41.425}, // Jinhua (GeoNames 2045485, 41.4278N 128.0275E)
			{127.922, 41.450}, // Shisidaogou (GeoNames 2045478, 41.4517N 127.9217E)
			{127.779, 41.427}, // Shisandaogou (GeoNames 2045898, 41.4292N 127.7786E)
			{127.544, 41.462}, // Shi'erdaogou (GeoNames 2034923, 41.4644N 127.5444E)
			{127.265, 41.515}, // Badaogou (GeoNames 2038595, 41.5173N 127.2647E)
			{127.188, 41.603}, // Liudaogou, Linjiang (GeoNames 2036045, 41.6048N 127.1880E)
			{127.052, 41.743}, // Sidaogou, Linjiang (GeoNames 2034747, 41.7447N 127.0516E)
			{126.91, 41.80},   // Linjiang (GeoNames 41.80694, 126.90778), Linjiang Yalu bridge 41°47′33″N 126°53′47″E
			{126.833, 41.728}, // Dalizi, Linjiang (GeoNames 2037906, 41.7303N 126.8333E)
			{126.748, 41.735}, // Weishahe, Linjiang (GeoNames 2051080, 41.7369N 126.7483E)
			{126.68, 41.64},
			{126.62, 41.55},
			{126.54, 41.46},
			{126.46, 41.37},
			{126.38, 41.27},
			{126.30, 41.18},
			{126.272, 41.156}, // Ji'an–Manpo rail bridge 41°9′21″N 126°16′20″E; Manpo 41.157N 126.290E
			{126.20, 41.115},  // Ji'an (41.1253, 126.1940)
			{126.12, 41.05},
			{126.04, 40.96},
			{125.93, 40.90},
			{125.80, 40.86},
			{125.70, 40.84}, // Jilin–Liaoning boundary near the Hun River mouth; ±15 km
		}},
		{"river-tumen", "图们江", "Tumen River", "Tumen", []pt{
			{128.25, 42.00}, // source area east of Changbai Mountain; ±10 km
			{128.45, 42.03}, // source area to Chongshan: straight, no public coordinate between; ±10 km
			{128.65, 42.055},
			{128.85, 42.075},
			{129.015, 42.095}, // between Chongshan, Helong (GeoNames 2038060, 42.0934N 128.9995E) and Rimgan-ni (GeoNames 2043755, 42.0974N 129.0295E)
			{129.206, 42.245}, // between Nanping (GeoNames 2035643, 42.2629N 129.2044E) and Musan-ŭp (GeoNames 2042738, 42.2261N 129.2078E)
			{129.403, 42.447}, // Xianpudong, Helong (GeoNames 7544732, 42.4503N 129.4029E), north bank; ±3 km
			{129.74, 42.46},   // between Sanhe (GeoNames 2035142, 42.4753N 129.7359E) and Hoeryong (GeoNames 2044091, 42.4411N 129.7460E)
			{129.78, 42.55},
			{129.776, 42.695}, // between Kaishantun (GeoNames 2036339, 42.7018N 129.7574E) and Sambong (GeoNames 12083895, 42.6887N 129.7946E)
			{129.80, 42.85},
			{129.845, 42.952}, // Tumen City / Namyang: rail bridge 42°56′56″N 129°50′58″E
			{129.92, 42.99},
			{129.99, 43.01}, // northernmost point of Korea, 43°00′39″N, by Onsong (42.956N 129.99E)
			{130.06, 42.96},
			{130.12, 42.90},
			{130.20, 42.83},
			{130.28, 42.76},
			{130.38, 42.68},
			{130.46, 42.62},
			{130.5225, 42.5678}, // Quanhe–Wonjong bridge 42°34′04″N 130°31′21″E
			{130.57, 42.50},
			{130.588, 42.437},   // Fangchuan village 42°26′13″N 130°35′18″E
			{130.6026, 42.4217}, // Tumangang (en.wikipedia 42.4216825, 130.6025505)
			{130.65, 42.36},
			{130.69889, 42.29278}, // mouth, en.wikipedia "Tumen River"
		}},
	}
}

// chagan is Chagan Lake's outline, counter-clockwise, kept inside the
// official extent N45°10′–45°21′, E124°04′–124°27′ (Jilin government
// tourism page) and sized to the published water area of about 345 km²
// (the first draft's outline, 387 km², shrunk about its centre by 0.944).
// No shore place with a published coordinate was found, so the shape
// between is still approximate (±3 km).
var chagan = []pt{
	{124.090, 45.269}, {124.128, 45.222}, {124.204, 45.194}, {124.298, 45.180},
	{124.373, 45.184}, {124.421, 45.213}, {124.430, 45.260}, {124.392, 45.298},
	{124.326, 45.326}, {124.241, 45.340}, {124.156, 45.326}, {124.109, 45.298},
}

type point struct {
	kind, id, zh, en string
	river            string // river feature id, or "lake-songhua-lake" for the lake section, or "" (placed as is)
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
		{"rescue_station", "rs-chagan-lake", "查干湖水上救助站", "Chagan Lake water rescue station", "", pt{124.28, 45.22}, "inside Chagan Lake, southern basin; site not published", true},

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
// with the given width; on a lake, from a to b.
type crossing struct {
	id, zh, en, river string
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
		{"f-songhua-lake", "松花湖渡口", "Songhua Lake ferry (nominal)", "lake-songhua-lake", pt{}, 0, pt{126.895, 43.660}, pt{126.935, 43.610}, "across the lower basin of Songhua Lake; nominal"},
		{"f-chagan-lake", "查干湖渡口", "Chagan Lake ferry (nominal)", "lake-chagan-lake", pt{}, 0, pt{124.31, 45.19}, pt{124.35, 45.28}, "across the eastern part of Chagan Lake; nominal"},
	}
}

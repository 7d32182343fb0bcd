{{ stg_audience_demographics(source('raw', 'x__audience_demographics')) }}
